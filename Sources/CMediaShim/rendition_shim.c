#include "rendition_shim.h"

int sr_vips_jpegload_shrink(const char *path, VipsImage **out, int shrink, int fail_on_error) {
    return vips_jpegload(path, out,
        "shrink", shrink,
        "access", VIPS_ACCESS_SEQUENTIAL,
        "fail_on", fail_on_error ? VIPS_FAIL_ON_ERROR : VIPS_FAIL_ON_NONE,
        NULL);
}

int sr_vips_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

int sr_vips_resize_exact(VipsImage *in, VipsImage **out, int width, int height, VipsKernel kernel) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 4);
    double hscale = (double) width / in->Xsize;
    double vscale = (double) height / in->Ysize;
    int result = -1;
    if (vips_image_hasalpha(in)) {
        // Without premultiplying, the colour of transparent pixels bleeds into the edges.
        if (vips_premultiply(in, &t[0], NULL) == 0 &&
            vips_resize(t[0], &t[1], hscale, "vscale", vscale, "kernel", kernel, NULL) == 0 &&
            vips_unpremultiply(t[1], &t[2], NULL) == 0 &&
            vips_cast(t[2], &t[3], in->BandFmt, NULL) == 0) {
            result = 0;
        }
    } else if (vips_resize(in, &t[3], hscale, "vscale", vscale, "kernel", kernel, NULL) == 0) {
        result = 0;
    }
    if (result == 0 && (t[3]->Xsize != width || t[3]->Ysize != height)) {
        // libvips rounds the output size; a pixel more is cut, a pixel less repeats the edge.
        result = vips_embed(t[3], out, 0, 0, width, height, "extend", VIPS_EXTEND_COPY, NULL);
    } else if (result == 0) {
        g_object_ref(t[3]);
        *out = t[3];
    }
    g_object_unref(base);
    return result;
}

int sr_vips_crop_window(VipsImage *in, int width, int height, VipsInteresting interesting,
                        int *left, int *top, int *attention_x, int *attention_y) {
    VipsImage *window = NULL;
    *attention_x = 0;
    *attention_y = 0;
    // The window is chosen when the operation is built; its pixels are never computed here.
    if (vips_smartcrop(in, &window, width, height,
            "interesting", interesting,
            "attention_x", attention_x,
            "attention_y", attention_y,
            NULL)) {
        return -1;
    }
    *left = -window->Xoffset;
    *top = -window->Yoffset;
    g_object_unref(window);
    return 0;
}

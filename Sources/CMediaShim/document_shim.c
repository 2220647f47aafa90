#include "document_shim.h"

int sr_vips_pdfload_page(const char *path, int page, double scale, VipsImage **out) {
    return vips_pdfload(path, out, "page", page, "n", 1, "scale", scale, NULL);
}

int sr_vips_svgload_buffer_scaled(const void *data, size_t length, double scale, VipsImage **out) {
    return vips_svgload_buffer((void *) data, length, out, "scale", scale, NULL);
}

int sr_vips_image_from_memory(const void *data, int width, int height, int bands, VipsBandFormat format,
                              VipsInterpretation interpretation, VipsImage **out) {
    size_t size = (size_t) width * (size_t) height * (size_t) bands * vips_format_sizeof(format);
    *out = vips_image_new_from_memory_copy(data, size, width, height, bands, format);
    if (!*out) return -1;
    (*out)->Type = interpretation;
    return 0;
}

int sr_vips_canvas(VipsImage **out, int width, int height, double red, double green, double blue) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 2);
    double colour[3] = {red, green, blue};
    double zero[3] = {1, 1, 1};
    int result = -1;
    if (vips_black(&t[0], width, height, "bands", 3, NULL) == 0 &&
        vips_linear(t[0], &t[1], zero, colour, 3, "uchar", TRUE, NULL) == 0 &&
        vips_copy(t[1], out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0) {
        result = 0;
    }
    g_object_unref(base);
    return result;
}

int sr_vips_insert(VipsImage *main, VipsImage *sub, VipsImage **out, int x, int y) {
    return vips_insert(main, sub, out, x, y, NULL);
}

int sr_vips_flatten_on(VipsImage *in, VipsImage **out, double red, double green, double blue) {
    double colour[3] = {red, green, blue};
    VipsArrayDouble *background = vips_array_double_new(colour, 3);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

int sr_vips_text_block(VipsImage **out, const char *markup, const char *font, int width, int dpi) {
    VipsImage *text = NULL;
    if (vips_text(&text, markup, "font", font, "width", width, "dpi", dpi, "wrap", VIPS_TEXT_WRAP_WORD_CHAR, NULL)) {
        return -1;
    }
    *out = vips_image_copy_memory(text);
    g_object_unref(text);
    return *out ? 0 : -1;
}

int sr_vips_ink_on_paper(VipsImage *mask, VipsImage **out, double ink, double paper) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 2);
    int result = -1;
    // paper + (ink - paper) × mask / 255, the same grey in each of three bands.
    if (vips_linear1(mask, &t[0], (ink - paper) / 255.0, paper, "uchar", TRUE, NULL) == 0) {
        VipsImage *bands[3] = {t[0], t[0], t[0]};
        if (vips_bandjoin(bands, &t[1], 3, NULL) == 0 &&
            vips_copy(t[1], out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0) {
            result = 0;
        }
    }
    g_object_unref(base);
    return result;
}

int sr_vips_write_to_memory(VipsImage *in, void **data, size_t *size) {
    *data = vips_image_write_to_memory(in, size);
    return *data ? 0 : -1;
}

/* Times each step of what Stockroom's render stage asks of libvips for one image, with the same
 * calls and Pipelines/default.yml's sizes (without the watermark's text), at libvips concurrency 1.
 *
 * Default: the cascade (Sources/StockroomMedia/RenditionCascade.swift, RenditionMaker.swift): a
 * JPEG decoded by libjpeg at the largest DCT scale that still serves every rendition (other
 * formats through vips_thumbnail), each `.inside` rendition resampled (Lanczos-3) from the smallest
 * image already made that is at least as large, largest first; then the crops, their attention
 * window found on the smallest image at least 256 px on both sides and cut from the smallest image
 * that covers them.
 * --reference: the render stage before the cascade (commit cb5b768): vips_thumbnail to one base,
 * every rendition resized from that base, crops smart-cropped from the whole base resized to
 * cover them.
 * Prints CPU seconds per step (CLOCK_PROCESS_CPUTIME_ID, steady on a shared machine);
 * see Docs/performance.md "Profiling".
 *
 *   cc -O2 scripts/rendition-steps.c -o bench-out/rendition-steps $(pkg-config --cflags --libs vips) -lm
 *   bench-out/rendition-steps photo.jpg [--reference] [--export-profile] [--webp-effort N]
 *       [--jpeg progressive|optimize|baseline] [--kernel lanczos3|lanczos2|cubic|linear] [--repeat N]
 *   bench-out/rendition-steps photo.jpg --webp-sweep    WEB_OPTIMIZED at WebP effort 0-6: CPU s, bytes,
 *       and ΔE76 of the decoded WebP to the pixels it was made from
 */
#include <vips/vips.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, vips_error_buffer());
    exit(1);
}

typedef struct {
    const char *name;
    int width, height, quality, webp, cover;
} Recipe;

/* Pipelines/default.yml */
static const Recipe recipes[] = {
    {"THUMBNAIL_SMALL", 150, 150, 80, 0, 0}, {"THUMBNAIL_MEDIUM", 300, 300, 80, 0, 0},
    {"THUMBNAIL_LARGE", 600, 600, 82, 0, 0}, {"PREVIEW", 1600, 1600, 85, 0, 0},
    {"WEB_OPTIMIZED", 2048, 2048, 80, 1, 0}, {"SOCIAL_SQUARE", 1080, 1080, 85, 0, 1},
    {"SOCIAL_STORY", 1080, 1920, 85, 0, 1}, {"WATERMARKED", 1200, 1200, 80, 0, 0},
    {"LOW_RES", 800, 800, 60, 0, 0},
};
#define RECIPES ((int) (sizeof(recipes) / sizeof(recipes[0])))

static int webp_effort = 4, jpeg_mode = 2, export_profile = 0;
static VipsKernel kernel = VIPS_KERNEL_LANCZOS3;
static size_t total_bytes = 0, last_bytes = 0;

/* Longest edge inside the box, never enlarged. */
static void inside(int sw, int sh, const Recipe *r, int *w, int *h) {
    double scale = fmin(1.0, fmin((double) r->width / sw, (double) r->height / sh));
    *w = (int) lround(sw * scale);
    *h = (int) lround(sh * scale);
}

/* The whole source scaled to just cover the box (sources smaller than the box are not handled). */
static void covering(int sw, int sh, const Recipe *r, int *w, int *h) {
    double scale = fmax((double) r->width / sw, (double) r->height / sh);
    *w = (int) fmax(r->width, lround(sw * scale));
    *h = (int) fmax(r->height, lround(sh * scale));
}

static double decode_scale(int sw, int sh) {
    double scale = 0;
    for (int i = 0; i < RECIPES; i++) {
        int w, h;
        if (recipes[i].cover) scale = fmax(scale, fmin(1.0, fmax((double) recipes[i].width / sw, (double) recipes[i].height / sh)));
        else { inside(sw, sh, &recipes[i], &w, &h); scale = fmax(scale, fmax((double) w / sw, (double) h / sh)); }
    }
    return fmin(1.0, scale);
}

static VipsImage *in_memory(VipsImage *image) {
    VipsImage *memory = vips_image_copy_memory(image);
    if (!memory) fail("copy to memory");
    g_object_unref(image);
    return memory;
}

static double encode(VipsImage *image, const Recipe *r) {
    void *buffer;
    size_t length;
    double t = now();
    int status = r->webp
        ? vips_webpsave_buffer(image, &buffer, &length, "Q", r->quality, "strip", TRUE, "effort", webp_effort, NULL)
        : vips_jpegsave_buffer(image, &buffer, &length, "Q", r->quality, "strip", TRUE,
                               "optimize_coding", jpeg_mode >= 1, "interlace", jpeg_mode == 2, NULL);
    if (status) fail("encode");
    total_bytes += length;
    last_bytes = length;
    g_free(buffer);
    return now() - t;
}

static void report(const char *name, VipsImage *image, double resample, double encoding, const char *from) {
    printf("%-18s %4dx%-4d resample %.3f  encode %.3f %7zu bytes  %s\n", name, image->Xsize, image->Ysize, resample,
           encoding, last_bytes, from);
}

static VipsImage *resize_exact(VipsImage *in, int width, int height) {
    VipsImage *out;
    if (in->Xsize == width && in->Ysize == height) {
        g_object_ref(in);
        return in;
    }
    if (in->Xsize - width >= 0 && in->Xsize - width <= 1 && in->Ysize - height >= 0 && in->Ysize - height <= 1) {
        if (vips_crop(in, &out, 0, 0, width, height, NULL)) fail("crop");
        return out;
    }
    if (vips_resize(in, &out, (double) width / in->Xsize, "vscale", (double) height / in->Ysize, "kernel", kernel, NULL)) fail("resize");
    return out;
}

static double reference(const char *path, int sw, int sh) {
    double need = decode_scale(sw, sh);
    int bw = need >= 1 ? sw : (int) ceil(sw * need) + 1, bh = need >= 1 ? sh : (int) ceil(sh * need) + 1;
    double t = now();
    VipsImage *decoded, *base;
    int status = export_profile
        ? vips_thumbnail(path, &decoded, bw, "height", bh, "size", VIPS_SIZE_DOWN,
                         "export_profile", "srgb", "intent", VIPS_INTENT_PERCEPTUAL, NULL)
        : vips_thumbnail(path, &decoded, bw, "height", bh, "size", VIPS_SIZE_DOWN, NULL);
    if (status) fail("thumbnail");
    base = in_memory(decoded);
    double decode = now() - t;
    printf("%-18s %4dx%-4d %.3f  (vips_thumbnail to one base)\n", "decode", base->Xsize, base->Ysize, decode);
    for (int i = 0; i < RECIPES; i++) {
        const Recipe *r = &recipes[i];
        VipsImage *shaped, *resized;
        int w, h;
        t = now();
        if (!r->cover) {
            inside(sw, sh, r, &w, &h);
            if (vips_thumbnail_image(base, &resized, w, "height", h, "size", VIPS_SIZE_FORCE, "no_rotate", TRUE, NULL)) fail("resize");
            shaped = in_memory(resized);
        } else {
            double scale = fmax((double) r->width / base->Xsize, (double) r->height / base->Ysize);
            w = (int) fmax(r->width, lround(base->Xsize * scale));
            h = (int) fmax(r->height, lround(base->Ysize * scale));
            if (vips_thumbnail_image(base, &resized, w, "height", h, "size", VIPS_SIZE_FORCE, "no_rotate", TRUE, NULL)) fail("resize");
            /* Lazy, as before: the attention search and the crop both compute the resize. */
            if (vips_smartcrop(resized, &shaped, r->width, r->height, "interesting", VIPS_INTERESTING_ATTENTION, NULL)) fail("smartcrop");
            g_object_unref(resized);
            shaped = in_memory(shaped);
        }
        double resample = now() - t;
        report(r->name, shaped, resample, encode(shaped, r), "from the base");
        g_object_unref(shaped);
    }
    g_object_unref(base);
    return decode;
}

static double cascade(const char *path, int sw, int sh, int is_jpeg) {
    double need = decode_scale(sw, sh);
    VipsImage *levels[RECIPES + 1] = {NULL};
    const char *level_names[RECIPES + 1] = {"decode"};
    double t = now();
    VipsImage *decoded;
    int shrink = 1;
    if (is_jpeg) {
        int nw = (int) ceil(sw * need - 1e-6), nh = (int) ceil(sh * need - 1e-6);
        for (int k = 8; k > 1; k /= 2)
            if ((sw + k - 1) / k >= nw && (sh + k - 1) / k >= nh) { shrink = k; break; }
        decoded = vips_image_new_from_file(path, "shrink", shrink, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        if (!decoded) fail("jpegload");
    } else {
        int bw = need >= 1 ? sw : (int) ceil(sw * need) + 1, bh = need >= 1 ? sh : (int) ceil(sh * need) + 1;
        if (vips_thumbnail(path, &decoded, bw, "height", bh, "size", VIPS_SIZE_DOWN, NULL)) fail("thumbnail");
    }
    levels[0] = in_memory(decoded);
    double decode = now() - t;
    printf("%-18s %4dx%-4d %.3f  (%s)\n", "decode", levels[0]->Xsize, levels[0]->Ysize, decode,
           is_jpeg ? (shrink == 1 ? "jpegload, full size" : shrink == 2 ? "jpegload shrink 2" : shrink == 4 ? "jpegload shrink 4" : "jpegload shrink 8")
                   : "vips_thumbnail");

    /* .inside recipes, largest first, each from the smallest level that is large enough. */
    int order[RECIPES], n = 0;
    for (int i = 0; i < RECIPES; i++) if (!recipes[i].cover) order[n++] = i;
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (recipes[order[b]].width > recipes[order[a]].width) { int x = order[a]; order[a] = order[b]; order[b] = x; }
    int count = 1;
    for (int j = 0; j < n; j++) {
        const Recipe *r = &recipes[order[j]];
        int w, h, from = 0;
        inside(sw, sh, r, &w, &h);
        for (int l = 0; l < count; l++)
            if (levels[l]->Xsize >= w && levels[l]->Ysize >= h && levels[l]->Xsize < levels[from]->Xsize) from = l;
        t = now();
        VipsImage *shaped = in_memory(resize_exact(levels[from], w, h));
        double resample = now() - t;
        report(r->name, shaped, resample, encode(shaped, r), level_names[from]);
        level_names[count] = r->name;
        levels[count++] = shaped;
    }

    /* Crops, largest covering first. */
    int crops[2], m = 0;
    for (int i = 0; i < RECIPES; i++) if (recipes[i].cover) crops[m++] = i;
    if (m == 2) {
        int a, b, c, d;
        covering(sw, sh, &recipes[crops[0]], &a, &b);
        covering(sw, sh, &recipes[crops[1]], &c, &d);
        if (c * d > a * b) { int x = crops[0]; crops[0] = crops[1]; crops[1] = x; }
    }
    for (int j = 0; j < m; j++) {
        const Recipe *r = &recipes[crops[j]];
        int cw, ch, from = 0, probe = 0;
        covering(sw, sh, r, &cw, &ch);
        for (int l = 0; l < count; l++) {
            if (levels[l]->Xsize >= cw && levels[l]->Ysize >= ch && levels[l]->Xsize < levels[from]->Xsize) from = l;
            if (fmin(levels[l]->Xsize, levels[l]->Ysize) >= 256 && levels[l]->Xsize < levels[probe]->Xsize) probe = l;
        }
        t = now();
        VipsImage *p = levels[probe], *window, *part;
        int pw = (int) fmin(p->Xsize, fmax(1, lround((double) r->width * p->Xsize / cw)));
        int ph = (int) fmin(p->Ysize, fmax(1, lround((double) r->height * p->Ysize / ch)));
        int ax, ay;
        if (vips_smartcrop(p, &window, pw, ph, "interesting", VIPS_INTERESTING_ATTENTION, "attention_x", &ax, "attention_y", &ay, NULL)) fail("smartcrop");
        g_object_unref(window);
        /* The 32 x 32 attention grid cell, recovered and scaled to the covering image. */
        int x = (int) (ceil((double) ax * 32 / p->Xsize - 1e-9) * cw / 32);
        int y = (int) (ceil((double) ay * 32 / p->Ysize - 1e-9) * ch / 32);
        int left = (int) fmin(cw - r->width, fmax(0, x - r->width / 2));
        int top = (int) fmin(ch - r->height, fmax(0, y - r->height / 2));
        VipsImage *L = levels[from];
        double fx = (double) L->Xsize / cw, fy = (double) L->Ysize / ch;
        int rw = (int) lround(r->width * fx), rh = (int) lround(r->height * fy);
        if (fabs(r->width * fx - r->width) <= 1 && fabs(r->height * fy - r->height) <= 1) { rw = r->width; rh = r->height; }
        int rx = (int) fmin(L->Xsize - rw, fmax(0, lround(left * fx))), ry = (int) fmin(L->Ysize - rh, fmax(0, lround(top * fy)));
        if (vips_crop(L, &part, rx, ry, rw, rh, NULL)) fail("crop");
        VipsImage *shaped = in_memory(resize_exact(part, r->width, r->height));
        g_object_unref(part);
        double resample = now() - t;
        char from_text[96];
        snprintf(from_text, sizeof from_text, "%s, window on %s", level_names[from], level_names[probe]);
        report(r->name, shaped, resample, encode(shaped, r), from_text);
        g_object_unref(shaped);
    }
    for (int l = 0; l < count; l++) g_object_unref(levels[l]);
    return decode;
}

/* The 2048 px rendition (cascade path) encoded at every WebP effort. */
static void webp_sweep(const char *path, int sw, int sh, int is_jpeg) {
    const Recipe *web = NULL;
    for (int i = 0; i < RECIPES; i++) if (recipes[i].webp) web = &recipes[i];
    double need = decode_scale(sw, sh);
    int shrink = 1;
    int nw = (int) ceil(sw * need - 1e-6), nh = (int) ceil(sh * need - 1e-6);
    for (int k = 8; is_jpeg && k > 1; k /= 2)
        if ((sw + k - 1) / k >= nw && (sh + k - 1) / k >= nh) { shrink = k; break; }
    VipsImage *decoded = in_memory(is_jpeg ? vips_image_new_from_file(path, "shrink", shrink, NULL)
                                           : vips_image_new_from_file(path, NULL));
    int w, h;
    inside(sw, sh, web, &w, &h);
    VipsImage *pixels = in_memory(resize_exact(decoded, w, h));
    for (int effort = 0; effort <= 6; effort++) {
        void *buffer;
        size_t length;
        double t = now();
        if (vips_webpsave_buffer(pixels, &buffer, &length, "Q", web->quality, "strip", TRUE, "effort", effort, NULL)) fail("webpsave");
        double seconds = now() - t;
        VipsImage *back = vips_image_new_from_buffer(buffer, length, "", NULL), *difference;
        double de;
        if (!back || vips_dE76(back, pixels, &difference, NULL) || vips_avg(difference, &de, NULL)) fail("dE76");
        printf("%s %dx%d WebP Q%d effort %d: %.3f CPU s %7zu bytes  dE76 %.3f\n", web->name, w, h, web->quality, effort,
               seconds, length, de);
        g_object_unref(difference);
        g_object_unref(back);
        g_free(buffer);
    }
    g_object_unref(pixels);
    g_object_unref(decoded);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s IMAGE [--reference] [--export-profile] [--webp-effort N] "
                        "[--jpeg progressive|optimize|baseline] [--kernel K] [--repeat N]\n", argv[0]);
        return 2;
    }
    if (VIPS_INIT(argv[0])) fail("init");
    vips_concurrency_set(1); /* as Stockroom: parallelism comes from its workers */
    vips_cache_set_max(0);
    int use_reference = 0, repeat = 1, sweep = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--reference")) use_reference = 1;
        else if (!strcmp(argv[i], "--webp-sweep")) sweep = 1;
        else if (!strcmp(argv[i], "--export-profile")) export_profile = 1;
        else if (!strcmp(argv[i], "--webp-effort") && i + 1 < argc) webp_effort = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--jpeg") && i + 1 < argc) {
            i++;
            jpeg_mode = !strcmp(argv[i], "baseline") ? 0 : !strcmp(argv[i], "optimize") ? 1 : 2;
        } else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
            i++;
            kernel = !strcmp(argv[i], "linear") ? VIPS_KERNEL_LINEAR : !strcmp(argv[i], "cubic") ? VIPS_KERNEL_CUBIC
                   : !strcmp(argv[i], "lanczos2") ? VIPS_KERNEL_LANCZOS2 : VIPS_KERNEL_LANCZOS3;
        }
    }
    VipsImage *header = vips_image_new_from_file(argv[1], NULL);
    if (!header) fail("header");
    int sw = header->Xsize, sh = header->Ysize;
    const char *loader = vips_foreign_find_load(argv[1]);
    int is_jpeg = loader && strstr(loader, "Jpeg") != NULL;
    g_object_unref(header);
    if (sweep) {
        webp_sweep(argv[1], sw, sh, is_jpeg);
        return 0;
    }
    for (int run = 0; run < repeat; run++) {
        total_bytes = 0;
        double total = now();
        double decode = use_reference ? reference(argv[1], sw, sh) : cascade(argv[1], sw, sh, is_jpeg);
        double all = now() - total;
        printf("%-18s %.3f CPU s (decode %.3f, renditions %.3f), %zu bytes\n\n", "total", all, decode, all - decode, total_bytes);
    }
    return 0;
}

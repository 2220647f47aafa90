/* Times each step of what Stockroom's render stage asks of libvips for one image, with the same
 * calls and Pipelines/default.yml's sizes: one decode (shrink-on-load) to the base that serves
 * every rendition, copied to memory, then every rendition resized from it and encoded.
 * Prints seconds per step; see Docs/performance.md "Profiling".
 *
 *   cc -O2 scripts/rendition-steps.c -o bench-out/rendition-steps $(pkg-config --cflags --libs vips) -lm
 *   bench-out/rendition-steps photo.jpg [--export-profile] [--webp-effort N]
 */
#include <vips/vips.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, vips_error_buffer());
    exit(1);
}

/* Longest edge `box`, never enlarged. */
static void inside(VipsImage *base, int box, int *w, int *h) {
    double scale = fmin(1.0, (double) box / (base->Xsize > base->Ysize ? base->Xsize : base->Ysize));
    *w = (int) lround(base->Xsize * scale);
    *h = (int) lround(base->Ysize * scale);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s IMAGE [--export-profile] [--webp-effort N]\n", argv[0]);
        return 2;
    }
    if (VIPS_INIT(argv[0])) fail("init");
    vips_concurrency_set(1); /* as Stockroom: parallelism comes from its workers */
    vips_cache_set_max(0);
    int export_profile = 0, effort = 4;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--export-profile")) export_profile = 1;
        if (!strcmp(argv[i], "--webp-effort") && i + 1 < argc) effort = atoi(argv[++i]);
    }

    VipsImage *header = vips_image_new_from_file(argv[1], NULL);
    if (!header) fail("header");
    /* The base must cover a 1080x1920 story crop and a 2048 px longest edge. */
    double need = fmax(fmax(1080.0 / header->Xsize, 1920.0 / header->Ysize), 2048.0 / fmax(header->Xsize, header->Ysize));
    need = fmin(1.0, need);
    int bw = (int) ceil(header->Xsize * need), bh = (int) ceil(header->Ysize * need);
    g_object_unref(header);

    double total = now(), t = now();
    VipsImage *decoded, *base;
    int status = export_profile
        ? vips_thumbnail(argv[1], &decoded, bw, "height", bh, "size", VIPS_SIZE_DOWN,
                         "export_profile", "srgb", "intent", VIPS_INTENT_PERCEPTUAL, NULL)
        : vips_thumbnail(argv[1], &decoded, bw, "height", bh, "size", VIPS_SIZE_DOWN, NULL);
    if (status) fail("thumbnail");
    if (!(base = vips_image_copy_memory(decoded))) fail("copy to memory");
    g_object_unref(decoded);
    printf("%-34s %6.3f s  (%dx%d base)\n", "decode to base in memory", now() - t, base->Xsize, base->Ysize);

    struct { const char *name; int box, quality, webp; } sizes[] = {
        {"THUMBNAIL_SMALL 150", 150, 80, 0}, {"THUMBNAIL_MEDIUM 300", 300, 80, 0},
        {"THUMBNAIL_LARGE 600", 600, 82, 0}, {"PREVIEW 1600", 1600, 85, 0},
        {"WEB_OPTIMIZED 2048 webp", 2048, 80, 1}, {"WATERMARKED 1200 (no mark)", 1200, 80, 0},
        {"LOW_RES 800", 800, 60, 0},
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        int w, h;
        void *buffer;
        size_t length;
        VipsImage *resized, *memory;
        inside(base, sizes[i].box, &w, &h);
        t = now();
        if (vips_thumbnail_image(base, &resized, w, "height", h, "size", VIPS_SIZE_FORCE, "no_rotate", TRUE, NULL)) fail("resize");
        if (!(memory = vips_image_copy_memory(resized))) fail("resize");
        double resize = now() - t;
        status = sizes[i].webp
            ? vips_webpsave_buffer(memory, &buffer, &length, "Q", sizes[i].quality, "strip", TRUE, "effort", effort, NULL)
            : vips_jpegsave_buffer(memory, &buffer, &length, "Q", sizes[i].quality, "strip", TRUE,
                                   "optimize_coding", TRUE, "interlace", TRUE, NULL);
        if (status) fail("encode");
        printf("%-34s %6.3f s  (resize %.3f, encode %.3f; %zu bytes)\n", sizes[i].name, now() - t, resize, now() - t - resize, length);
        g_free(buffer);
        g_object_unref(memory);
        g_object_unref(resized);
    }

    struct { const char *name; int width, height; } crops[] = {{"SOCIAL_SQUARE 1080x1080 attention", 1080, 1080}, {"SOCIAL_STORY 1080x1920 attention", 1080, 1920}};
    for (size_t i = 0; i < 2; i++) {
        VipsImage *covering, *cropped;
        void *buffer;
        size_t length;
        double scale = fmin(1.0, fmax((double) crops[i].width / base->Xsize, (double) crops[i].height / base->Ysize));
        int w = (int) lround(base->Xsize * scale), h = (int) lround(base->Ysize * scale);
        t = now();
        if (vips_thumbnail_image(base, &covering, w, "height", h, "size", VIPS_SIZE_FORCE, "no_rotate", TRUE, NULL)) fail("resize");
        int cw = crops[i].width < w ? crops[i].width : w, ch = crops[i].height < h ? crops[i].height : h;
        if (vips_smartcrop(covering, &cropped, cw, ch, "interesting", VIPS_INTERESTING_ATTENTION, NULL)) fail("smartcrop");
        if (vips_jpegsave_buffer(cropped, &buffer, &length, "Q", 85, "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE, NULL)) fail("encode");
        printf("%-34s %6.3f s  (%zu bytes)\n", crops[i].name, now() - t, length);
        g_free(buffer);
        g_object_unref(cropped);
        g_object_unref(covering);
    }
    printf("%-34s %6.3f s\n", "total", now() - total);
    g_object_unref(base);
    return 0;
}

// Poster frames: sr_av_poster_frame's seek and decode loop and the conversion to tightly packed
// RGB24 at square pixels, then the buffer handed to libvips as VisualSource does.
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_vips();
    fuzz_init_av();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_write_input(data, size);
    sr_av_input *input = NULL;
    if (sr_av_open(path, FUZZ_DEMUXER_ALLOWLIST, fuzz_av_deadline(), &input) != 0) return 0;
    uint8_t *rgb = NULL;
    int width = 0, height = 0;
    if (sr_av_poster_frame(input, FUZZ_MAX_PIXELS, &rgb, &width, &height) == 0 && rgb) {
        // Every byte the shim promises must be there (ASan checks the reads).
        volatile uint8_t last = rgb[(size_t) width * (size_t) height * 3 - 1];
        (void) last;
        VipsImage *image = NULL;
        if (sr_vips_image_from_pixels(rgb, width, height, 3, &image) == 0) {
            VipsImage *rotated = NULL;
            if (sr_vips_rot(image, &rotated, VIPS_ANGLE_D90) == 0) g_object_unref(rotated);
            g_object_unref(image);
        }
    }
    free(rgb);
    sr_av_close(input);
    sr_vips_clear_error();
    return 0;
}

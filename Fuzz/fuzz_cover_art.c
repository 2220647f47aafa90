// Cover art: the attached picture libavformat extracts (ID3 APIC, MP4 covr, FLAC PICTURE…),
// sniffed by the allowed loaders and decoded from memory with vips_thumbnail_buffer.
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
    uint8_t *art = NULL;
    size_t length = 0;
    if (sr_av_attached_picture(input, &art, &length) == 0 && art) {
        int known = 0;
        for (int i = 0; i < FUZZ_LOADER_COUNT && !known; i++) {
            char nickname[64];
            snprintf(nickname, sizeof nickname, "%s_buffer", fuzz_loader_nicknames[i]);
            known = sr_vips_is_a_buffer(nickname, art, length);
        }
        VipsImage *header = NULL;
        if (known && sr_vips_open_buffer_header(art, length, &header) == 0) {
            int within = fuzz_within_pixel_limit(header);
            g_object_unref(header);
            VipsImage *thumbnail = NULL;
            if (within && sr_vips_thumbnail_buffer(art, length, &thumbnail, 64, 64) == 0) {
                VipsImage *memory = vips_image_copy_memory(thumbnail);
                if (memory) g_object_unref(memory);
                g_object_unref(thumbnail);
            }
        }
    }
    free(art);
    sr_av_close(input);
    sr_vips_clear_error();
    return 0;
}

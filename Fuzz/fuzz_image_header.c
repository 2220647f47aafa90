// Image identification and describe: the allowed loaders' sniffers, the lazy header open, and
// every header field ImageDescriber reads (size, bands, format, orientation, pages, blobs).
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_vips();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_write_input(data, size);
    sr_vips_clear_error();
    if (fuzz_identify_image(path) < 0) return 0;
    VipsImage *header = NULL;
    if (sr_vips_open_header(path, &header) == 0) {
        volatile int sink = header->Xsize + header->Ysize + header->Bands + vips_image_get_n_pages(header)
            + vips_image_get_orientation(header) + vips_image_hasalpha(header) + vips_format_sizeof(header->BandFmt);
        (void) sink;
        const char *compression = NULL;
        if (vips_image_get_typeof(header, "heif-compression")) vips_image_get_string(header, "heif-compression", &compression);
        static const char *const blobs[] = {"exif-data", "xmp-data", "iptc-data", "icc-profile-data"};
        for (int i = 0; i < 4; i++) {
            const void *blob = NULL;
            size_t length = 0;
            if (vips_image_get_typeof(header, blobs[i]) && vips_image_get_blob(header, blobs[i], &blob, &length) == 0 && length > 0) {
                volatile uint8_t first = ((const uint8_t *) blob)[0], last = ((const uint8_t *) blob)[length - 1];
                (void) first;
                (void) last;
            }
        }
        char **fields = vips_image_get_fields(header);
        for (int i = 0; fields && fields[i]; i++) (void) vips_image_get_typeof(header, fields[i]);
        g_strfreev(fields);
        g_object_unref(header);
    }
    sr_vips_clear_error();
    return 0;
}

// Image renditions: the one shrink-on-load decode (vips_thumbnail with fail_on=error and the
// sRGB export when there is a profile), the 8-bit sRGB normalisation, the copy into memory, and
// the JPEG and WebP encoders, as VisualSource.image and RenditionMaker do them.
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_vips();
    return 0;
}

static VipsImage *fuzz_to_srgb8(VipsImage *image) {
    VipsImage *next = NULL;
    if (image->Type == VIPS_INTERPRETATION_CMYK && sr_vips_icc_to_srgb(image, &next) == 0) {
        g_object_unref(image);
        image = next;
    }
    if ((image->Type != VIPS_INTERPRETATION_sRGB || image->BandFmt != VIPS_FORMAT_UCHAR) &&
        sr_vips_colourspace(image, &next, VIPS_INTERPRETATION_sRGB) == 0) {
        g_object_unref(image);
        image = next;
    }
    if (image->BandFmt != VIPS_FORMAT_UCHAR) {
        if (sr_vips_cast_uchar(image, &next) != 0) {
            g_object_unref(image);
            return NULL;
        }
        g_object_unref(image);
        image = next;
    }
    if (image->Bands > 4 || image->Bands == 2) {
        if (sr_vips_extract_bands(image, &next, 0, image->Bands >= 4 ? 4 : 1) != 0) {
            g_object_unref(image);
            return NULL;
        }
        g_object_unref(image);
        image = next;
    }
    return image;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_write_input(data, size);
    sr_vips_clear_error();
    if (fuzz_identify_image(path) < 0) return 0;
    VipsImage *header = NULL;
    if (sr_vips_open_header(path, &header) != 0) goto done;
    int within = fuzz_within_pixel_limit(header);
    int export_srgb = vips_image_get_typeof(header, "icc-profile-data") || header->Type == VIPS_INTERPRETATION_CMYK;
    g_object_unref(header);
    if (!within) goto done;

    VipsImage *decoded = NULL;
    if (sr_vips_thumbnail_file(path, &decoded, 96, 96, 1, export_srgb) != 0) goto done;
    VipsImage *srgb = fuzz_to_srgb8(decoded);
    if (!srgb) goto done;
    sr_vips_set_deadline(srgb, g_get_monotonic_time() + FUZZ_SECONDS * G_USEC_PER_SEC);
    VipsImage *base = vips_image_copy_memory(srgb);
    g_object_unref(srgb);
    if (!base) goto done;
    VipsImage *square = NULL;
    if (sr_vips_thumbnail_image(base, &square, 32, 32, VIPS_INTERESTING_ATTENTION, VIPS_SIZE_DOWN) == 0) {
        void *buffer = NULL;
        size_t length = 0;
        if (sr_vips_webpsave_buffer(square, &buffer, &length, 75, 0, 1) == 0) g_free(buffer);
        g_object_unref(square);
    }
    void *buffer = NULL;
    size_t length = 0;
    if (sr_vips_jpegsave_buffer(base, &buffer, &length, 80, 1, (int)(size & 1)) == 0) g_free(buffer);
    g_object_unref(base);
done:
    sr_vips_clear_error();
    return 0;
}

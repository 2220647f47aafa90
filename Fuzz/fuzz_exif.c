// EXIF: libexif's loader over an APP1-style block (the "Exif\0\0" header added to bare TIFF, as
// ExifReader does), every entry's value as libexif formats it, and every maker note libexif
// decodes (Canon, Olympus, Pentax, Fuji, Apple) through the exif_mnote_data API.
#include "fuzz_support.h"

#include <libexif/exif-mnote-data.h>

static void fuzz_read_content(ExifContent *content, void *user) {
    (void) user;
    char value[512];
    for (unsigned i = 0; i < content->count; i++) {
        ExifEntry *entry = content->entries[i];
        if (entry) exif_entry_get_value(entry, value, sizeof value);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t header[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (size > (1u << 20)) return 0;
    uint8_t *block = malloc(size + sizeof header);
    if (!block) return 0;
    size_t length = size;
    if (size >= sizeof header && memcmp(data, header, sizeof header) == 0) {
        memcpy(block, data, size);
    } else {
        memcpy(block, header, sizeof header);
        memcpy(block + sizeof header, data, size);
        length += sizeof header;
    }
    ExifData *exif = exif_data_new();
    if (exif) {
        exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
        exif_data_load_data(exif, block, (unsigned int) length);
        exif_data_foreach_content(exif, fuzz_read_content, NULL);
        (void) sr_exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS);
        ExifMnoteData *note = exif_data_get_mnote_data(exif);
        if (note) {
            char value[512];
            unsigned count = exif_mnote_data_count(note);
            for (unsigned i = 0; i < count && i < 4096; i++) {
                (void) exif_mnote_data_get_id(note, i);
                (void) exif_mnote_data_get_name(note, i);
                (void) exif_mnote_data_get_title(note, i);
                (void) exif_mnote_data_get_description(note, i);
                exif_mnote_data_get_value(note, i, value, sizeof value);
            }
        }
        exif_data_unref(exif);
    }
    free(block);
    return 0;
}

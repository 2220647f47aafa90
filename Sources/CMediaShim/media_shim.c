#include "media_shim.h"

#include <limits.h>
#include <pthread.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/time.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/channel_layout.h>
#include <libswscale/swscale.h>

// MARK: libvips runtime

// glibc gives every thread that allocates concurrently its own malloc arena (up to 8 per core),
// and libvips' worker threads each grow one with pixel buffers that are freed but not returned:
// two pipeline workers then peak about 100 MB higher than with two arenas. libvips' own advice
// is MALLOC_ARENA_MAX=2. A constructor sets it when the program is loaded, before any thread
// exists; an explicit MALLOC_ARENA_MAX in the environment wins.
__attribute__((constructor)) static void sr_limit_malloc_arenas(void) {
    if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, 2);
}

static pthread_once_t sr_vips_once = PTHREAD_ONCE_INIT;
static int sr_vips_init_status = -1;
static const char *sr_vips_argv0 = "stockroom";

static void sr_vips_init_once(void) {
    if (VIPS_INIT(sr_vips_argv0)) {
        sr_vips_init_status = -1;
        return;
    }
    // Renditions are made once per asset: caching operations only holds memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // Deny every loader; the Swift side unblocks the allowlist.
    vips_operation_block_set("VipsForeignLoad", TRUE);
    sr_vips_init_status = 0;
}

int sr_vips_init(const char *argv0, int concurrency) {
    if (argv0) sr_vips_argv0 = argv0;
    pthread_once(&sr_vips_once, sr_vips_init_once);
    if (sr_vips_init_status != 0) return -1;
    if (concurrency > 0) vips_concurrency_set(concurrency);
    return 0;
}

void sr_vips_set_operation_allowed(const char *name, int allowed) {
    vips_operation_block_set(name, allowed ? FALSE : TRUE);
}

int sr_vips_is_a(const char *loader, const char *path) {
    return vips_foreign_is_a(loader, path) ? 1 : 0;
}

int sr_vips_is_a_buffer(const char *loader, const void *data, size_t length) {
    return vips_foreign_is_a_buffer(loader, data, length) ? 1 : 0;
}

void sr_vips_clear_error(void) {
    vips_error_clear();
}

char *sr_vips_take_error(void) {
    return vips_error_buffer_copy();
}

// MARK: loading

int sr_vips_open_header(const char *path, VipsImage **out) {
    *out = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return *out ? 0 : -1;
}

/// libvips 8.14.1's HEIF loader attaches a file's EXIF and XMP blocks as blobs that point into
/// memory the loader owns, and vips_thumbnail releases the loader it read the header with: the
/// thumbnail's copies of those blobs then point at freed memory (webpsave's EXIF update read
/// 190 freed bytes of an AVIF; see Docs/security.md). Renditions strip every field anyway, so the
/// decoded image gives them up, on a fresh header over the same pixels.
static int sr_vips_drop_loader_blobs(int result, VipsImage **out) {
    static const char *const fields[] = {"exif-data", "xmp-data", "iptc-data"};
    if (result != 0 || !*out) return result;
    int present = 0;
    for (int i = 0; i < 3; i++) present |= vips_image_get_typeof(*out, fields[i]) != 0;
    if (!present) return 0;
    VipsImage *copy = NULL;
    if (vips_copy(*out, &copy, NULL) != 0) {
        g_object_unref(*out);
        *out = NULL;
        return -1;
    }
    for (int i = 0; i < 3; i++) vips_image_remove(copy, fields[i]);
    g_object_unref(*out);
    *out = copy;
    return 0;
}

int sr_vips_thumbnail_file(const char *path, VipsImage **out, int width, int height, int fail_on_error, int export_srgb) {
    VipsFailOn fail_on = fail_on_error ? VIPS_FAIL_ON_ERROR : VIPS_FAIL_ON_NONE;
    // An export profile makes libvips run a colour transform even from sRGB to sRGB (about a
    // third of a 24 MP JPEG's decode time), so it is asked for only when there is one to do.
    if (!export_srgb) {
        return sr_vips_drop_loader_blobs(
            vips_thumbnail(path, out, width, "height", height, "size", VIPS_SIZE_DOWN, "fail_on", fail_on, NULL), out);
    }
    return sr_vips_drop_loader_blobs(vips_thumbnail(path, out, width,
        "height", height,
        "size", VIPS_SIZE_DOWN,
        "export_profile", "srgb",
        "intent", VIPS_INTENT_PERCEPTUAL,
        "fail_on", fail_on,
        NULL), out);
}

int sr_vips_thumbnail_buffer(const void *data, size_t length, VipsImage **out, int width, int height) {
    return sr_vips_drop_loader_blobs(vips_thumbnail_buffer((void *) data, length, out, width,
        "height", height,
        "size", VIPS_SIZE_DOWN,
        "export_profile", "srgb",
        "intent", VIPS_INTENT_PERCEPTUAL,
        NULL), out);
}

int sr_vips_image_from_pixels(const void *data, int width, int height, int bands, VipsImage **out) {
    *out = vips_image_new_from_memory_copy(data, (size_t) width * height * bands, width, height, bands, VIPS_FORMAT_UCHAR);
    if (!*out) return -1;
    (*out)->Type = bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
    return 0;
}

int sr_vips_open_file(const char *path, VipsImage **out) {
    *out = vips_image_new_from_file(path, NULL);
    return *out ? 0 : -1;
}

int sr_vips_open_buffer_header(const void *data, size_t length, VipsImage **out) {
    *out = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return *out ? 0 : -1;
}

// MARK: operations

int sr_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height, VipsInteresting crop, VipsSize size) {
    return vips_thumbnail_image(in, out, width,
        "height", height,
        "size", size,
        "crop", crop,
        "no_rotate", TRUE,
        NULL);
}

int sr_vips_smartcrop(VipsImage *in, VipsImage **out, int width, int height, VipsInteresting interesting) {
    return vips_smartcrop(in, out, width, height, "interesting", interesting, NULL);
}

int sr_vips_rot(VipsImage *in, VipsImage **out, VipsAngle angle) {
    return vips_rot(in, out, angle, NULL);
}

int sr_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

int sr_vips_icc_to_srgb(VipsImage *in, VipsImage **out) {
    return vips_icc_transform(in, out, "srgb",
        "embedded", TRUE,
        "input_profile", in->Type == VIPS_INTERPRETATION_CMYK ? "cmyk" : "srgb",
        "intent", VIPS_INTENT_PERCEPTUAL,
        "depth", 8,
        NULL);
}

int sr_vips_icc_from_srgb(VipsImage *in, VipsImage **out, const char *profile) {
    return vips_icc_transform(in, out, profile,
        "input_profile", "srgb",
        "intent", VIPS_INTENT_RELATIVE,
        "depth", 8,
        NULL);
}

int sr_vips_cast_uchar(VipsImage *in, VipsImage **out) {
    return vips_cast(in, out, VIPS_FORMAT_UCHAR, NULL);
}

int sr_vips_flatten_white(VipsImage *in, VipsImage **out) {
    double white[3] = {255, 255, 255};
    VipsArrayDouble *background = vips_array_double_new(white, 3);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

int sr_vips_extract_bands(VipsImage *in, VipsImage **out, int first, int count) {
    return vips_extract_band(in, out, first, "n", count, NULL);
}

int sr_vips_copy(VipsImage *in, VipsImage **out) {
    return vips_copy(in, out, NULL);
}

int sr_vips_crop(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_crop(in, out, left, top, width, height, NULL);
}

int sr_vips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height) {
    return vips_embed(in, out, x, y, width, height, "extend", VIPS_EXTEND_BLACK, NULL);
}

int sr_vips_replicate(VipsImage *in, VipsImage **out, int across, int down) {
    return vips_replicate(in, out, across, down, NULL);
}

int sr_vips_average(VipsImage *in, double *mean) {
    return vips_avg(in, mean, NULL);
}

// MARK: watermark

/// A constant-colour RGBA image whose alpha is `mask` × `opacity`.
static int sr_rgba_from_mask(VipsImage *mask, double grey, double opacity, VipsImage **out) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 5);
    int result = -1;
    if (vips_black(&t[0], mask->Xsize, mask->Ysize, "bands", 3, NULL) == 0 &&
        vips_linear1(t[0], &t[1], 1.0, grey, "uchar", TRUE, NULL) == 0 &&
        vips_linear1(mask, &t[2], opacity, 0.0, "uchar", TRUE, NULL) == 0 &&
        vips_bandjoin2(t[1], t[2], &t[3], NULL) == 0 &&
        vips_copy(t[3], out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0) {
        result = 0;
    }
    g_object_unref(base);
    return result;
}

int sr_vips_text_mask(VipsImage **out, const char *text, int width) {
    VipsImage *text_image = NULL;
    int height = width / 4 > 8 ? width / 4 : 8;
    // With both width and height set, libvips picks the dpi that fits the text into the box.
    if (vips_text(&text_image, text, "width", width, "height", height, "font", "sans bold", "align", VIPS_ALIGN_CENTRE, NULL)) {
        return -1;
    }
    *out = vips_image_copy_memory(text_image);
    g_object_unref(text_image);
    return *out ? 0 : -1;
}

int sr_vips_text_overlay(VipsImage *mask, VipsImage **out, double scale, double opacity) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 6);
    int result = -1;
    if ((scale == 1.0 ? vips_copy(mask, &t[0], NULL) : vips_resize(mask, &t[0], scale, NULL)) == 0) {
        int shadow = t[0]->Ysize / 30 + 1;
        int w = t[0]->Xsize + shadow, h = t[0]->Ysize + shadow;
        // A dark shadow keeps white text readable on light images.
        if (vips_embed(t[0], &t[1], 0, 0, w, h, NULL) == 0 &&
            vips_embed(t[0], &t[2], shadow, shadow, w, h, NULL) == 0 &&
            sr_rgba_from_mask(t[2], 0.0, opacity * 0.6, &t[3]) == 0 &&
            sr_rgba_from_mask(t[1], 255.0, opacity, &t[4]) == 0 &&
            vips_composite2(t[3], t[4], out, VIPS_BLEND_MODE_OVER, NULL) == 0) {
            result = 0;
        }
    }
    g_object_unref(base);
    return result;
}

int sr_vips_fade_alpha(VipsImage *in, VipsImage **out, double opacity) {
    if (in->Bands == 3) return vips_bandjoin_const1(in, out, 255.0 * opacity, NULL);
    if (in->Bands != 4) return sr_vips_copy(in, out);
    double scale[4] = {1, 1, 1, opacity};
    double offset[4] = {0, 0, 0, 0};
    return vips_linear(in, out, scale, offset, 4, "uchar", TRUE, NULL);
}

int sr_vips_composite_over(VipsImage *base, VipsImage *overlay, VipsImage **out, int x, int y) {
    return vips_composite2(base, overlay, out, VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL);
}

// MARK: saving

int sr_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip, int progressive) {
    return vips_jpegsave_buffer(in, buf, len,
        "Q", quality,
        "strip", strip ? TRUE : FALSE,
        "optimize_coding", TRUE,
        "interlace", progressive ? TRUE : FALSE,
        NULL);
}

int sr_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int effort, int strip) {
    return vips_webpsave_buffer(in, buf, len,
        "Q", quality,
        "strip", strip ? TRUE : FALSE,
        "effort", effort,
        NULL);
}

int sr_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len, int strip) {
    return vips_pngsave_buffer(in, buf, len,
        "strip", strip ? TRUE : FALSE,
        "compression", 6,
        NULL);
}

int sr_vips_avifsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int effort, int strip) {
    return vips_heifsave_buffer(in, buf, len,
        "Q", quality,
        "strip", strip ? TRUE : FALSE,
        "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
        "effort", effort,
        NULL);
}

int sr_vips_has_operation(const char *nickname) {
    return vips_type_find("VipsOperation", nickname) != 0;
}

// MARK: time limit

typedef struct {
    int64_t deadline;
} SrDeadline;

static void sr_vips_check_deadline(VipsImage *image, void *progress, void *user) {
    (void) progress;
    SrDeadline *limit = user;
    if (g_get_monotonic_time() > limit->deadline) vips_image_set_kill(image, TRUE);
}

void sr_vips_set_deadline(VipsImage *image, int64_t deadline) {
    SrDeadline *existing = g_object_get_data(G_OBJECT(image), "stockroom-deadline");
    if (existing) {
        // Already watched: a second handler pair would outlive the struct replaced below.
        existing->deadline = deadline;
        return;
    }
    SrDeadline *limit = g_new(SrDeadline, 1);
    limit->deadline = deadline;
    g_object_set_data_full(G_OBJECT(image), "stockroom-deadline", limit, g_free);
    vips_image_set_progress(image, TRUE);
    g_signal_connect(image, "preeval", G_CALLBACK(sr_vips_check_deadline), limit);
    g_signal_connect(image, "eval", G_CALLBACK(sr_vips_check_deadline), limit);
}

// MARK: libexif

static int sr_exif_add_ascii(ExifData *exif, ExifTag tag, const char *value) {
    ExifEntry *entry = exif_entry_new();
    if (!entry) return -1;
    size_t size = strlen(value) + 1;
    // exif_entry_new uses libexif's default allocator (calloc/free), which frees this buffer.
    entry->data = calloc(size, 1);
    if (!entry->data) {
        exif_entry_unref(entry);
        return -1;
    }
    memcpy(entry->data, value, size);
    entry->size = (unsigned int) size;
    entry->components = size;
    entry->format = EXIF_FORMAT_ASCII;
    entry->tag = tag;
    exif_content_add_entry(exif->ifd[EXIF_IFD_0], entry);
    exif_entry_unref(entry);
    return 0;
}

int sr_exif_build_rights(const char *artist, const char *copyright, unsigned char **data, unsigned int *length) {
    *data = NULL;
    *length = 0;
    ExifData *exif = exif_data_new();
    if (!exif) return -1;
    exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(exif, EXIF_BYTE_ORDER_INTEL);
    int result = 0;
    if (artist && sr_exif_add_ascii(exif, EXIF_TAG_ARTIST, artist) != 0) result = -1;
    if (copyright && sr_exif_add_ascii(exif, EXIF_TAG_COPYRIGHT, copyright) != 0) result = -1;
    if (result == 0) {
        exif_data_save_data(exif, data, length);
        if (!*data || *length == 0) result = -1;
    }
    exif_data_unref(exif);
    return result;
}

ExifEntry *sr_exif_entry(ExifData *data, ExifIfd ifd, ExifTag tag) {
    if (!data || ifd < 0 || ifd >= EXIF_IFD_COUNT || !data->ifd[ifd]) return NULL;
    return exif_content_get_entry(data->ifd[ifd], tag);
}

// MARK: libav

static pthread_once_t sr_av_once = PTHREAD_ONCE_INIT;

static void sr_av_init_once(void) {
    av_log_set_level(AV_LOG_FATAL);
}

void sr_av_init(void) {
    pthread_once(&sr_av_once, sr_av_init_once);
}

struct sr_av_input {
    AVFormatContext *format;
    int64_t deadline;
};

static int sr_av_interrupt(void *opaque) {
    const struct sr_av_input *input = opaque;
    return av_gettime_relative() > input->deadline;
}

int sr_av_open(const char *path, const char *format_whitelist, int64_t deadline, sr_av_input **out) {
    *out = NULL;
    struct sr_av_input *input = calloc(1, sizeof *input);
    if (!input) return AVERROR(ENOMEM);
    input->deadline = deadline;
    input->format = avformat_alloc_context();
    if (!input->format) {
        free(input);
        return AVERROR(ENOMEM);
    }
    input->format->interrupt_callback.callback = sr_av_interrupt;
    input->format->interrupt_callback.opaque = input;

    AVDictionary *options = NULL;
    // Playlists and concat scripts may name other files or URLs: only the file itself is read.
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    av_dict_set(&options, "format_whitelist", format_whitelist, 0);
    int result = avformat_open_input(&input->format, path, NULL, &options);
    av_dict_free(&options);
    if (result < 0) {
        // avformat_open_input frees the context on failure.
        free(input);
        return result;
    }
    result = avformat_find_stream_info(input->format, NULL);
    if (result < 0) {
        avformat_close_input(&input->format);
        free(input);
        return result;
    }
    *out = input;
    return 0;
}

AVFormatContext *sr_av_format(sr_av_input *input) {
    return input->format;
}

void sr_av_close(sr_av_input *input) {
    if (!input) return;
    avformat_close_input(&input->format);
    free(input);
}

int sr_av_is_interrupted(int code) {
    return code == AVERROR_EXIT;
}

void sr_av_error_string(int code, char *buf, size_t size) {
    if (av_strerror(code, buf, size) < 0) snprintf(buf, size, "error %d", code);
}

int64_t sr_av_nopts_value(void) {
    return AV_NOPTS_VALUE;
}

int sr_av_is_attached_picture(const AVStream *stream) {
    return (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
}

int sr_av_stream_rotation(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return 0;
    double angle = av_display_rotation_get((const int32_t *) matrix);
    if (isnan(angle)) return 0;
    // av_display_rotation_get is counter-clockwise; report the clockwise turn a player applies.
    int degrees = (int) lround(-angle) % 360;
    if (degrees < 0) degrees += 360;
    return ((degrees + 45) / 90 * 90) % 360;
}

void sr_av_channel_layout(const AVCodecParameters *par, char *buf, size_t size) {
    buf[0] = 0;
    if (par->ch_layout.nb_channels <= 0) return;
    if (av_channel_layout_describe(&par->ch_layout, buf, size) < 0) buf[0] = 0;
}

int sr_av_channels(const AVCodecParameters *par) {
    return par->ch_layout.nb_channels;
}

int sr_av_attached_picture(sr_av_input *input, uint8_t **data, size_t *size) {
    *data = NULL;
    *size = 0;
    AVFormatContext *format = input->format;
    for (unsigned i = 0; i < format->nb_streams; i++) {
        AVStream *stream = format->streams[i];
        if (!(stream->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
        if (stream->attached_pic.size <= 0) continue;
        *data = malloc(stream->attached_pic.size);
        if (!*data) return AVERROR(ENOMEM);
        memcpy(*data, stream->attached_pic.data, stream->attached_pic.size);
        *size = stream->attached_pic.size;
        return 0;
    }
    return AVERROR_STREAM_NOT_FOUND;
}

/// Mean luma (0…255) of an RGB24 buffer, sampled on a grid.
static double sr_mean_luma(const uint8_t *rgb, int width, int height) {
    double sum = 0;
    long count = 0;
    int step_x = width / 64 > 0 ? width / 64 : 1;
    int step_y = height / 64 > 0 ? height / 64 : 1;
    for (int y = 0; y < height; y += step_y) {
        const uint8_t *row = rgb + (size_t) y * width * 3;
        for (int x = 0; x < width; x += step_x) {
            const uint8_t *p = row + x * 3;
            sum += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
            count++;
        }
    }
    return count ? sum / count : 0;
}

/// Sample aspect ratios outside this range are damage, not anamorphic video (real ones are
/// 4:3, 16:11, 40:33, 32:27…): the frame is then shown with square pixels as coded.
#define SR_MAX_ASPECT_STRETCH 8.0

/// Converts a decoded frame to tightly packed RGB24 at square pixels (`sar` applied), or NULL.
///
/// libswscale's vector paths write whole SIMD registers: a destination row whose byte width is
/// not a multiple of the vector width is overrun, and so is the end of the last row (a 216-pixel
/// or 200-pixel wide frame into a malloc(width × 3 × height) buffer corrupted the heap). So it
/// scales into a frame from av_frame_get_buffer, whose rows are aligned and padded the way libav
/// expects, and the rows are then copied out tightly.
static uint8_t *sr_frame_to_rgb(const AVFrame *frame, AVRational sar, int max_pixels, int *out_width, int *out_height) {
    *out_width = *out_height = 0;
    if (frame->width < 1 || frame->height < 1 || frame->format < 0) return NULL;
    if (!sws_isSupportedInput(frame->format)) return NULL;
    if (av_image_check_size2(frame->width, frame->height, max_pixels, frame->format, 0, NULL) < 0) return NULL;
    int width = frame->width, height = frame->height;
    if (sar.num > 0 && sar.den > 0 && sar.num != sar.den) {
        double stretch = av_q2d(sar);
        if (stretch >= 1.0 / SR_MAX_ASPECT_STRETCH && stretch <= SR_MAX_ASPECT_STRETCH) {
            long stretched = lround(width * stretch);
            if (stretched < 1) stretched = 1;
            if ((int64_t) stretched * height <= max_pixels && stretched <= INT_MAX / 4) width = (int) stretched;
        }
    }
    if (av_image_check_size2(width, height, max_pixels, AV_PIX_FMT_RGB24, 0, NULL) < 0) return NULL;

    struct SwsContext *sws = sws_getContext(frame->width, frame->height, frame->format,
                                            width, height, AV_PIX_FMT_RGB24,
                                            SWS_BICUBIC, NULL, NULL, NULL);
    if (!sws) return NULL;
    AVFrame *scaled = av_frame_alloc();
    uint8_t *rgb = NULL;
    if (!scaled) goto done;
    scaled->format = AV_PIX_FMT_RGB24;
    scaled->width = width;
    scaled->height = height;
    if (av_frame_get_buffer(scaled, 0) < 0) goto done;
    if (sws_scale(sws, (const uint8_t *const *) frame->data, frame->linesize, 0, frame->height,
                  scaled->data, scaled->linesize) != height) goto done;
    size_t row_bytes = (size_t) width * 3;
    rgb = malloc(row_bytes * (size_t) height);
    if (!rgb) goto done;
    for (int y = 0; y < height; y++) {
        memcpy(rgb + row_bytes * (size_t) y, scaled->data[0] + (size_t) scaled->linesize[0] * (size_t) y, row_bytes);
    }
    *out_width = width;
    *out_height = height;
done:
    av_frame_free(&scaled);
    sws_freeContext(sws);
    return rgb;
}

/// Frames with a mean luma below this are treated as black (fade-ins, leaders).
#define SR_BLACK_LUMA 24.0
/// How many frames after the target time are considered before settling for the brightest.
#define SR_POSTER_CANDIDATES 48

int sr_av_poster_frame(sr_av_input *input, int max_pixels, uint8_t **rgb, int *width, int *height) {
    *rgb = NULL;
    *width = *height = 0;
    AVFormatContext *format = input->format;

    int index = -1;
    for (unsigned i = 0; i < format->nb_streams; i++) {
        AVStream *stream = format->streams[i];
        if (stream->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
        if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) continue;
        index = (int) i;
        break;
    }
    if (index < 0) return AVERROR_STREAM_NOT_FOUND;
    AVStream *stream = format->streams[index];
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) return AVERROR_DECODER_NOT_FOUND;

    AVCodecContext *decoder = avcodec_alloc_context3(codec);
    AVPacket *packet = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int result = 0;
    if (!decoder || !packet || !frame) {
        result = AVERROR(ENOMEM);
        goto done;
    }
    if ((result = avcodec_parameters_to_context(decoder, stream->codecpar)) < 0) goto done;
    decoder->thread_count = 1;
    // libavcodec refuses to allocate frames above this (a header can declare 65535 × 65535).
    if (max_pixels > 0) decoder->max_pixels = max_pixels;
    if ((result = avcodec_open2(decoder, codec, NULL)) < 0) goto done;

    // A demuxer may leave a zero time base; timestamps are then meaningless, not a division by zero.
    double time_base = stream->time_base.num > 0 && stream->time_base.den > 0 ? av_q2d(stream->time_base) : 0;
    double duration = -1;
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
        duration = format->duration / (double) AV_TIME_BASE;
    } else if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0 && time_base > 0) {
        duration = stream->duration * time_base;
    }
    // The first frames are often black (fade-in, leader): start a little way in.
    double target = duration > 0 ? fmin(duration * 0.1, 10.0) : 1.0;
    int64_t start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;

    double best_luma = -1;
    int attempts = 0;
    for (int pass = 0; pass < 2 && best_luma < SR_BLACK_LUMA; pass++) {
        if (pass == 1) {
            // Seeking failed or nothing was decoded after the target: take the start.
            target = 0;
            avcodec_flush_buffers(decoder);
        }
        if (target > 0 && time_base > 0) {
            // In doubles: a hostile start time plus the offset must not overflow int64_t.
            double position = (double) start + target / time_base;
            int64_t timestamp = position > -9e18 && position < 9e18 ? (int64_t) position : start;
            if (av_seek_frame(format, index, timestamp, AVSEEK_FLAG_BACKWARD) < 0) {
                target = 0;
                av_seek_frame(format, index, start, AVSEEK_FLAG_BACKWARD);
            }
        } else if (pass == 1) {
            if (av_seek_frame(format, index, start, AVSEEK_FLAG_BACKWARD) < 0) break;
        }
        int candidates = 0;
        int draining = 0;
        int decoded_any = 0;
        while (candidates < SR_POSTER_CANDIDATES) {
            if (av_gettime_relative() > input->deadline) {
                result = AVERROR_EXIT;
                goto done;
            }
            int receive = avcodec_receive_frame(decoder, frame);
            if (receive == AVERROR(EAGAIN)) {
                if (draining) break;
                int read = av_read_frame(format, packet);
                if (read == AVERROR_EXIT) {
                    result = read;
                    goto done;
                }
                if (read < 0) {
                    draining = 1;
                    avcodec_send_packet(decoder, NULL);
                    continue;
                }
                if (packet->stream_index == index) {
                    int sent = avcodec_send_packet(decoder, packet);
                    if (sent < 0 && sent != AVERROR(EAGAIN) && sent != AVERROR_INVALIDDATA) {
                        av_packet_unref(packet);
                        result = sent;
                        break;
                    }
                }
                av_packet_unref(packet);
                continue;
            }
            if (receive == AVERROR_EOF) break;
            if (receive < 0) {
                result = receive;
                break;
            }
            decoded_any = 1;
            int64_t pts = frame->best_effort_timestamp;
            double seconds = pts == AV_NOPTS_VALUE || time_base == 0 ? target : ((double) pts - (double) start) * time_base;
            if (seconds + 1e-3 < target && attempts < 2000) {
                attempts++;
                av_frame_unref(frame);
                continue;
            }
            candidates++;
            // Look at every fourth frame: black stretches last longer than a few frames.
            if (candidates % 4 != 1) {
                av_frame_unref(frame);
                continue;
            }
            int w = 0, h = 0;
            // The container's aspect ratio wins over the codec's (Matroska keeps it in DisplayWidth,
            // and a VP9 bitstream has none), as av_guess_sample_aspect_ratio decides for players.
            AVRational sar = av_guess_sample_aspect_ratio(format, stream, frame);
            uint8_t *pixels = sr_frame_to_rgb(frame, sar, max_pixels > 0 ? max_pixels : INT_MAX, &w, &h);
            av_frame_unref(frame);
            if (!pixels) continue;
            double luma = sr_mean_luma(pixels, w, h);
            if (luma > best_luma) {
                free(*rgb);
                *rgb = pixels;
                *width = w;
                *height = h;
                best_luma = luma;
            } else {
                free(pixels);
            }
            if (luma >= SR_BLACK_LUMA) break;
        }
        if (*rgb) result = 0;
        if (!decoded_any && pass == 1) break;
    }
    if (!*rgb && result >= 0) result = AVERROR_INVALIDDATA;

done:
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&decoder);
    if (result < 0) {
        free(*rgb);
        *rgb = NULL;
        *width = *height = 0;
    }
    return result;
}

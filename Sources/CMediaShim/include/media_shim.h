#ifndef STOCKROOM_MEDIA_SHIM_H
#define STOCKROOM_MEDIA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <vips/vips.h>
#include <libexif/exif-data.h>
#include <libavformat/avformat.h>

// Fixed-argument wrappers around libvips' NULL-terminated variadic API, the libexif writer and
// the libav decode loop. Every function returns 0 on success and -1 (libvips) or a negative
// AVERROR (libav) on failure; libvips errors are left in libvips' error buffer for the caller.

// MARK: libvips runtime

/// Initialises libvips once per process, blocks every loader and disables the operation cache.
/// Later calls only adjust the concurrency. Returns 0 on success.
int sr_vips_init(const char *argv0, int concurrency);

/// Blocks (`allowed` = 0) or unblocks one libvips operation class and its subclasses, e.g.
/// "VipsForeignLoadJpeg".
void sr_vips_set_operation_allowed(const char *name, int allowed);

/// Whether the loader with this nickname ("jpegload") recognises the file's content. Asking each
/// allowed loader in turn, rather than vips_foreign_find_load, keeps blocked loaders' sniffers
/// (ImageMagick's among them) away from untrusted bytes.
int sr_vips_is_a(const char *loader, const char *path);
int sr_vips_is_a_buffer(const char *loader, const void *data, size_t length);

/// Discards whatever is in libvips' error buffer.
void sr_vips_clear_error(void);

/// Copies and clears libvips' error buffer; free the result with g_free.
char *sr_vips_take_error(void);

// MARK: loading

/// Opens a file lazily (header only; pixels are decoded on demand, top to bottom).
int sr_vips_open_header(const char *path, VipsImage **out);

/// Shrink-on-load thumbnail of a file, auto-oriented, fitting inside width × height, never
/// upscaled. Only the first page of multi-page files. `fail_on_error`: refuse damaged files.
/// The result carries no EXIF, XMP or IPTC blob (libvips 8.14's HEIF loader leaves them dangling).
int sr_vips_thumbnail_file(const char *path, VipsImage **out, int width, int height, int fail_on_error, int export_srgb);

/// The same from an encoded image in memory (cover art).
int sr_vips_thumbnail_buffer(const void *data, size_t length, VipsImage **out, int width, int height);

/// Pixel buffer (8-bit, interleaved) to an image; the bytes are copied.
int sr_vips_image_from_pixels(const void *data, int width, int height, int bands, VipsImage **out);

int sr_vips_open_file(const char *path, VipsImage **out);

/// Opens an encoded image in memory lazily; the caller keeps `data` alive while the image is used.
int sr_vips_open_buffer_header(const void *data, size_t length, VipsImage **out);

// MARK: operations

/// Resizes to fit inside width × height (`crop` = VIPS_INTERESTING_NONE) or to cover it and crop
/// with the given strategy. `size` is a VipsSize.
int sr_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height, VipsInteresting crop, VipsSize size);
int sr_vips_smartcrop(VipsImage *in, VipsImage **out, int width, int height, VipsInteresting interesting);
int sr_vips_rot(VipsImage *in, VipsImage **out, VipsAngle angle);
int sr_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space);
/// Imports with the embedded profile (or the fallback for CMYK) and exports 8-bit sRGB.
int sr_vips_icc_to_srgb(VipsImage *in, VipsImage **out);
/// sRGB pixels converted to `profile` ("p3", "cmyk" or a file), which is then embedded.
int sr_vips_icc_from_srgb(VipsImage *in, VipsImage **out, const char *profile);
int sr_vips_cast_uchar(VipsImage *in, VipsImage **out);
int sr_vips_flatten_white(VipsImage *in, VipsImage **out);
int sr_vips_extract_bands(VipsImage *in, VipsImage **out, int first, int count);
int sr_vips_copy(VipsImage *in, VipsImage **out);
int sr_vips_crop(VipsImage *in, VipsImage **out, int left, int top, int width, int height);
int sr_vips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height);
int sr_vips_replicate(VipsImage *in, VipsImage **out, int across, int down);
/// Mean of every band (0…255 for 8-bit images).
int sr_vips_average(VipsImage *in, double *mean);

// MARK: watermark

/// `text` in white, fitted into a `width` × `width`/4 box, as a one-band mask in memory.
int sr_vips_text_mask(VipsImage **out, const char *text, int width);
/// A text mask scaled by `scale`: white text with a dark drop shadow, as RGBA at `opacity`.
int sr_vips_text_overlay(VipsImage *mask, VipsImage **out, double scale, double opacity);
/// Multiplies the alpha band of an RGBA image by `opacity` (adds one to an RGB image).
int sr_vips_fade_alpha(VipsImage *in, VipsImage **out, double opacity);
int sr_vips_composite_over(VipsImage *base, VipsImage *overlay, VipsImage **out, int x, int y);

// MARK: saving

int sr_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip, int progressive);
int sr_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int effort, int strip);
int sr_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len, int strip);
/// AVIF through libheif's AV1 encoder.
int sr_vips_avifsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int effort, int strip);
/// Whether a saver exists in this libvips build, e.g. "heifsave_buffer".
int sr_vips_has_operation(const char *nickname);

// MARK: time limit

/// After `deadline` (g_get_monotonic_time microseconds) any evaluation of `image` or of images
/// computed from it is killed. Checked when evaluation starts and after every chunk of pixels.
void sr_vips_set_deadline(VipsImage *image, int64_t deadline);

// MARK: libexif

/// A fresh EXIF block holding only Artist and Copyright (either may be NULL), serialised with
/// its "Exif\0\0" header. Free `*data` with free(). Returns 0 on success.
int sr_exif_build_rights(const char *artist, const char *copyright, unsigned char **data, unsigned int *length);

/// The entry of `tag` in one IFD, or NULL.
ExifEntry *sr_exif_entry(ExifData *data, ExifIfd ifd, ExifTag tag);

// MARK: libav

typedef struct sr_av_input sr_av_input;

/// Quietens libav's logging once per process: errors are reported through return codes.
void sr_av_init(void);

/// Opens and probes a file with libavformat, limited to the demuxers in `format_whitelist`
/// (comma-separated) and to the file protocol; reads stream info. Gives up after `deadline`
/// (monotonic microseconds). Returns 0 or a negative AVERROR.
int sr_av_open(const char *path, const char *format_whitelist, int64_t deadline, sr_av_input **out);
AVFormatContext *sr_av_format(sr_av_input *input);
void sr_av_close(sr_av_input *input);
/// Whether an error code means the deadline interrupted libav.
int sr_av_is_interrupted(int code);
void sr_av_error_string(int code, char *buf, size_t size);
int64_t sr_av_nopts_value(void);
int sr_av_is_attached_picture(const AVStream *stream);
/// Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix, or 0.
int sr_av_stream_rotation(const AVStream *stream);
/// "stereo", "5.1"…; empty when unknown.
void sr_av_channel_layout(const AVCodecParameters *par, char *buf, size_t size);
int sr_av_channels(const AVCodecParameters *par);
/// A copy of the first attached picture's encoded bytes (cover art). Free with free().
int sr_av_attached_picture(sr_av_input *input, uint8_t **data, size_t *size);
/// Decodes a representative frame of the first video stream: near 10% of the duration (or 1 s
/// when unknown), skipping black frames, as tightly packed 8-bit RGB (`*width` × 3 bytes a row)
/// scaled to square pixels. Frames above `max_pixels` (0: no limit) are not decoded. Free with
/// free().
int sr_av_poster_frame(sr_av_input *input, int max_pixels, uint8_t **rgb, int *width, int *height);

#endif

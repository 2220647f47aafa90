#ifndef STOCKROOM_DOCUMENT_SHIM_H
#define STOCKROOM_DOCUMENT_SHIM_H

#include <stddef.h>
#include <vips/vips.h>

// Fixed-argument wrappers for documents, design files, logos and fonts: page and drawing
// loaders at a chosen scale, pixel buffers of any band format, and the plain compositing a
// page sheet, a text card or a font specimen needs. Conventions as in media_shim.h.

/// One page (0-based) of a PDF rendered at `scale` × 72 DPI, as sRGB(A).
int sr_vips_pdfload_page(const char *path, int page, double scale, VipsImage **out);

/// An SVG in memory rasterized at `scale` × its intrinsic size. From a buffer librsvg has no
/// base URL, so it resolves no reference to another file; its size limits stay on. The caller
/// keeps `data` alive while the image is used.
int sr_vips_svgload_buffer_scaled(const void *data, size_t length, double scale, VipsImage **out);

/// Interleaved pixels of `format` (uchar, ushort, float) to an image tagged `interpretation`;
/// the bytes are copied.
int sr_vips_image_from_memory(const void *data, int width, int height, int bands, VipsBandFormat format,
                              VipsInterpretation interpretation, VipsImage **out);

/// A width × height sRGB image of one colour.
int sr_vips_canvas(VipsImage **out, int width, int height, double red, double green, double blue);

/// `sub` placed over `main` at x, y (both 8-bit sRGB; `sub` may be larger and is clipped).
int sr_vips_insert(VipsImage *main, VipsImage *sub, VipsImage **out, int x, int y);

/// Alpha flattened onto a background colour.
int sr_vips_flatten_on(VipsImage *in, VipsImage **out, double red, double green, double blue);

/// A one-band text mask laid out by Pango: `markup` (Pango markup, already escaped) in `font`
/// ("sans 12"), wrapped at `width` pixels at `dpi`. Run it on the text layout thread only.
int sr_vips_text_block(VipsImage **out, const char *markup, const char *font, int width, int dpi);

/// A one-band mask drawn as `ink` on `paper`: 8-bit sRGB.
int sr_vips_ink_on_paper(VipsImage *mask, VipsImage **out, double ink, double paper);

/// Every pixel written to a fresh buffer (free with g_free), in the image's band format.
int sr_vips_write_to_memory(VipsImage *in, void **data, size_t *size);

#endif

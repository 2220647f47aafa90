#ifndef STOCKROOM_RENDITION_SHIM_H
#define STOCKROOM_RENDITION_SHIM_H

#include <vips/vips.h>

// Fixed-argument wrappers for the rendition cascade (RenditionMaker): a JPEG decode at a DCT
// scale, an exact-size resample with a chosen kernel, and the crop window of a smart crop.
// Every function returns 0 on success and -1 on failure, with libvips' error buffer set.

/// Opens a JPEG for one top-to-bottom read, decoded by libjpeg at 1/`shrink` scale (1, 2, 4 or
/// 8: the image is ceil(width / shrink) × ceil(height / shrink)). Not rotated: see sr_vips_autorot.
int sr_vips_jpegload_shrink(const char *path, VipsImage **out, int shrink, int fail_on_error);

/// Applies and removes the EXIF orientation. The input must allow random access (in memory).
int sr_vips_autorot(VipsImage *in, VipsImage **out);

/// Resamples to exactly width × height (separate horizontal and vertical scales) with `kernel`;
/// an alpha band is premultiplied around the resample, as vips_thumbnail does.
int sr_vips_resize_exact(VipsImage *in, VipsImage **out, int width, int height, VipsKernel kernel);

/// Where libvips' smart crop would cut a width × height window from `in`: its top-left corner
/// and, for VIPS_INTERESTING_ATTENTION, the centre of attention it placed the window around.
int sr_vips_crop_window(VipsImage *in, int width, int height, VipsInteresting interesting,
                        int *left, int *top, int *attention_x, int *attention_y);

#endif

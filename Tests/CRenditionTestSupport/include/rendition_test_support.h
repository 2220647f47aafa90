#ifndef STOCKROOM_RENDITION_TEST_SUPPORT_H
#define STOCKROOM_RENDITION_TEST_SUPPORT_H

#include <vips/vips.h>

// Test-only helpers for StockroomMediaTests: a photo-like picture made pixel by pixel, and the
// measures renditions are compared by. In C so that a debug build of the tests stays quick
// (a Swift -Onone loop over 24 million pixels takes seconds). Return 0 on success, -1 on failure.

/// 8-bit sRGB `width` × `height`: slow colour waves, per-pixel grain, a patch of 6 px diagonal
/// lines, a patch of 16 px checks, a dark bar, and one skin-toned disc with a dark rim centred at
/// (subject_x, subject_y) × the size, for the attention crop to find. Deterministic in `seed`.
int sr_test_photo(VipsImage **out, int width, int height, unsigned seed, double subject_x, double subject_y);

/// Mean absolute difference of every sample of two images of the same size and bands (0–255).
int sr_test_mean_abs_difference(VipsImage *a, VipsImage *b, double *mean);

/// Mean absolute four-neighbour Laplacian of every sample: the energy of the finest detail.
int sr_test_high_frequency_energy(VipsImage *image, double *energy);

#endif

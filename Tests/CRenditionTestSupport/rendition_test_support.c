#include "rendition_test_support.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static unsigned char clamp_sample(int value) {
    return value < 0 ? 0 : value > 255 ? 255 : (unsigned char) value;
}

int sr_test_photo(VipsImage **out, int width, int height, unsigned seed, double subject_x, double subject_y) {
    size_t size = (size_t) width * height * 3;
    unsigned char *pixels = malloc(size);
    int *columns = malloc(sizeof(int) * 3 * width);
    if (!pixels || !columns) {
        free(pixels);
        free(columns);
        return -1;
    }
    double w = width, h = height;
    for (int x = 0; x < width; x++) {
        double t = x / w;
        columns[3 * x] = (int) (70 + 110 * t + 30 * sin(9.4 * t));
        columns[3 * x + 1] = (int) (60 + 40 * cos(5.1 * t));
        columns[3 * x + 2] = (int) (150 - 70 * t);
    }
    int cx = (int) (subject_x * w), cy = (int) (subject_y * h);
    int radius = (int) (0.1 * h), inner = radius - radius / 12;
    int lx0 = (int) (0.08 * w), lx1 = (int) (0.36 * w), ly0 = (int) (0.55 * h), ly1 = (int) (0.9 * h);
    int kx0 = (int) (0.42 * w), kx1 = (int) (0.58 * w), ky0 = (int) (0.08 * h), ky1 = (int) (0.3 * h);
    int bx0 = (int) (0.62 * w), bx1 = (int) (0.66 * w), by0 = (int) (0.5 * h), by1 = (int) (0.95 * h);
    uint32_t state = seed | 1;
    unsigned char *p = pixels;
    for (int y = 0; y < height; y++) {
        double t = y / h;
        int row_r = (int) (20 * sin(7.3 * t)), row_g = (int) (90 * t + 25 * sin(13.0 * t)), row_b = (int) (40 * cos(4.2 * t));
        for (int x = 0; x < width; x++) {
            int r = columns[3 * x] + row_r, g = columns[3 * x + 1] + row_g, b = columns[3 * x + 2] + row_b;
            int dx = x - cx, dy = y - cy, d = dx * dx + dy * dy;
            if (d < radius * radius) {
                if (d < inner * inner) { r = 228; g = 168; b = 128; } else { r = 90; g = 50; b = 40; }
            } else if (x >= lx0 && x < lx1 && y >= ly0 && y < ly1) {
                int stripe = ((x + y) / 3) % 2 == 0 ? 45 : -45;
                r += stripe; g += stripe; b += stripe;
            } else if (x >= kx0 && x < kx1 && y >= ky0 && y < ky1) {
                int check = ((x >> 4) + (y >> 4)) % 2 == 0 ? 70 : -70;
                r += check; g += check; b += check;
            } else if (x >= bx0 && x < bx1 && y >= by0 && y < by1) {
                r = 25; g = 30; b = 35;
            }
            state = state * 1664525u + 1013904223u;
            int grain = (int) (state >> 27) - 16;
            p[0] = clamp_sample(r + grain);
            p[1] = clamp_sample(g + grain);
            p[2] = clamp_sample(b + grain);
            p += 3;
        }
    }
    free(columns);
    *out = vips_image_new_from_memory_copy(pixels, size, width, height, 3, VIPS_FORMAT_UCHAR);
    free(pixels);
    if (!*out) return -1;
    (*out)->Type = VIPS_INTERPRETATION_sRGB;
    return 0;
}

int sr_test_mean_abs_difference(VipsImage *a, VipsImage *b, double *mean) {
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 2);
    int result = vips_subtract(a, b, &t[0], NULL) || vips_abs(t[0], &t[1], NULL) || vips_avg(t[1], mean, NULL) ? -1 : 0;
    g_object_unref(base);
    return result;
}

int sr_test_high_frequency_energy(VipsImage *image, double *energy) {
    static const double laplacian[9] = {0, -1, 0, -1, 4, -1, 0, -1, 0};
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **) vips_object_local_array(VIPS_OBJECT(base), 5);
    int result = -1;
    if ((t[0] = vips_image_new_matrix_from_array(3, 3, laplacian, 9)) &&
        vips_cast(image, &t[1], VIPS_FORMAT_FLOAT, NULL) == 0 &&
        vips_conv(t[1], &t[2], t[0], "precision", VIPS_PRECISION_FLOAT, NULL) == 0 &&
        // The border, where conv repeats edge pixels, is left out.
        vips_crop(t[2], &t[3], 1, 1, t[2]->Xsize - 2, t[2]->Ysize - 2, NULL) == 0 &&
        vips_abs(t[3], &t[4], NULL) == 0 &&
        vips_avg(t[4], energy, NULL) == 0) {
        result = 0;
    }
    g_object_unref(base);
    return result;
}

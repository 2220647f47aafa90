// Shared set-up of the fuzz harnesses (scripts/fuzz): libvips and libav initialised the way
// LibMediaEngine initialises them, every input handed over as a file, as Stockroom reads files.
#ifndef STOCKROOM_FUZZ_SUPPORT_H
#define STOCKROOM_FUZZ_SUPPORT_H

#include "media_shim.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libavutil/time.h>

/// The loaders of ImageLoaderAllowlist.always (Sources/StockroomMedia/ImageLoaderAllowlist.swift):
/// libvips class to unblock, nickname to sniff with.
static const char *const fuzz_loader_classes[] = {
    "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
    "VipsForeignLoadNsgif", "VipsForeignLoadHeif", "VipsForeignLoadTiff",
};
static const char *const fuzz_loader_nicknames[] = {
    "jpegload", "pngload", "webpload", "gifload", "heifload", "tiffload",
};
#define FUZZ_LOADER_COUNT 6

/// AVInput.demuxerAllowlist (Sources/StockroomMedia/AVInput.swift).
#define FUZZ_DEMUXER_ALLOWLIST "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mp3,flac,ogg,wav,aiff,aac,avi,mpegts,mpeg,asf,flv"

/// The decompression-bomb guard, smaller than Stockroom's 200 MP default so ASan's shadow memory
/// and the fuzzer's RSS limit are spent on finding bugs, not on allocating honest big frames.
#define FUZZ_MAX_PIXELS (16 * 1024 * 1024)
/// Each input gets this long (the engine's per-file time limit, scaled down).
#define FUZZ_SECONDS 5

static inline void fuzz_init_vips(void) {
    if (sr_vips_init("stockroom-fuzz", 1) != 0) abort();
    for (int i = 0; i < FUZZ_LOADER_COUNT; i++) sr_vips_set_operation_allowed(fuzz_loader_classes[i], 1);
}

static inline void fuzz_init_av(void) {
    sr_av_init();
}

/// Where harness files live: /dev/shm, else $TMPDIR, else /tmp.
static inline const char *fuzz_scratch_dir(void) {
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
}

/// A path for the harness's output file, one per process; `name` ends in the extension the
/// writer needs (the muxer picks its format by it).
static inline const char *fuzz_output_path(const char *name) {
    static char path[256];
    if (!path[0]) snprintf(path, sizeof path, "%s/stockroom-fuzz-%s-%d", fuzz_scratch_dir(), name, (int) getpid());
    return path;
}

/// The input as a file in fuzz_scratch_dir(), rewritten for every input. Returns its path.
static inline const char *fuzz_write_input(const uint8_t *data, size_t size) {
    static char path[256];
    static int fd = -1;
    if (fd < 0) {
        const char *dir = fuzz_scratch_dir();
        snprintf(path, sizeof path, "%s/stockroom-fuzz-XXXXXX", dir);
        fd = mkstemp(path);
        if (fd < 0) abort();
    }
    if (ftruncate(fd, 0) != 0) abort();
    size_t written = 0;
    while (written < size) {
        ssize_t n = pwrite(fd, data + written, size - written, (off_t) written);
        if (n <= 0) abort();
        written += (size_t) n;
    }
    return path;
}

/// The allowed loader that recognises the file, as ImageLoaderAllowlist.loader(forFileAt:), or -1.
static inline int fuzz_identify_image(const char *path) {
    for (int i = 0; i < FUZZ_LOADER_COUNT; i++) {
        if (sr_vips_is_a(fuzz_loader_nicknames[i], path)) return i;
    }
    return -1;
}

/// PixelLimit.check on a header.
static inline int fuzz_within_pixel_limit(VipsImage *image) {
    int pages = vips_image_get_n_pages(image);
    if (pages < 1) pages = 1;
    return (int64_t) image->Xsize * image->Ysize * pages <= FUZZ_MAX_PIXELS;
}

static inline int64_t fuzz_av_deadline(void) {
    return av_gettime_relative() + FUZZ_SECONDS * 1000000LL;
}

#endif

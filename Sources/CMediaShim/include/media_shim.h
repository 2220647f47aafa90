#ifndef STOCKROOM_MEDIA_SHIM_H
#define STOCKROOM_MEDIA_SHIM_H

#include <vips/vips.h>

/// Initialises libvips once, blocks every loader outside Stockroom's allowlist, and sets
/// libvips' own thread pool size. Returns 0 on success.
int sr_vips_init(const char *argv0, int concurrency);

#endif

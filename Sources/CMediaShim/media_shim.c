#include "media_shim.h"

int sr_vips_init(const char *argv0, int concurrency) {
    if (VIPS_INIT(argv0)) return -1;
    vips_concurrency_set(concurrency);
    return 0;
}

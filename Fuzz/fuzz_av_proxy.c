// The PREVIEW_VIDEO proxy: sr_av_video_proxy's decode, scale, resample, encode and mux loop over
// an untrusted file, at a tiny size and length so each input costs little.
#include "fuzz_support.h"
#include "video_shim.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_av();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *out = fuzz_output_path("proxy.mp4");
    const char *path = fuzz_write_input(data, size);
    sr_av_input *input = NULL;
    if (sr_av_open(path, FUZZ_DEMUXER_ALLOWLIST, fuzz_av_deadline(), &input) != 0) return 0;
    // The service's default pixel limit: a bomb header is refused as it is there.
    sr_video_proxy_options options = {.max_height = 64, .max_seconds = 1, .video_kbps = 100, .audio_kbps = 32, .max_pixels = 200000000};
    sr_video_proxy_facts facts;
    if (sr_av_video_proxy(input, out, &options, fuzz_av_deadline(), &facts) == 0) {
        // What the shim reports must fit what was asked.
        if (facts.height > 64 || facts.height < 2 || facts.width < 2 || facts.seconds > 1.5) abort();
    }
    sr_av_close(input);
    unlink(out);
    return 0;
}

// The WAVEFORM levels and the PREVIEW_AUDIO transcode over an untrusted file: sr_av_waveform's
// decode, resample to planar float, mono mix and bin merging (a small column count, so merges
// happen within the first second of audio), then sr_av_video_proxy in its audio-only mode, cut
// to a second so each input costs little.
#include <math.h>
#include "fuzz_support.h"
#include "video_shim.h"
#include "waveform_shim.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_av();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *out = fuzz_output_path("audio.m4a");
    const char *path = fuzz_write_input(data, size);
    enum { columns = 37 };
    float peaks[columns], rms[columns];
    sr_waveform_facts facts;
    sr_av_input *input = NULL;
    if (sr_av_open(path, FUZZ_DEMUXER_ALLOWLIST, fuzz_av_deadline(), &input) != 0) return 0;
    if (sr_av_waveform(input, columns, fuzz_av_deadline(), peaks, rms, &facts) == 0) {
        // Levels are magnitudes of mixed samples: 0…1, the RMS never above the peak.
        for (int i = 0; i < columns; i++) {
            if (!(peaks[i] >= 0 && peaks[i] <= 1) || !(rms[i] >= 0 && rms[i] <= peaks[i] + 1e-4f)) abort();
        }
        if (facts.samples <= 0 || facts.sample_rate <= 0 || !isfinite(facts.seconds)) abort();
    }
    sr_av_close(input);
    input = NULL;
    // The proxy reads the file from the start again, as the pipeline does (a separate request).
    if (sr_av_open(path, FUZZ_DEMUXER_ALLOWLIST, fuzz_av_deadline(), &input) != 0) return 0;
    sr_video_proxy_options options = {.max_seconds = 1, .audio_kbps = 32, .audio_only = 1};
    sr_video_proxy_facts proxy;
    if (sr_av_video_proxy(input, out, &options, fuzz_av_deadline(), &proxy) == 0) {
        if (proxy.width != 0 || proxy.height != 0 || proxy.seconds <= 0 || proxy.seconds > 1.05) abort();
    }
    sr_av_close(input);
    unlink(out);
    return 0;
}

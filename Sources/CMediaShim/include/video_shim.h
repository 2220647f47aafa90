#ifndef STOCKROOM_VIDEO_SHIM_H
#define STOCKROOM_VIDEO_SHIM_H

#include <stdint.h>
#include "media_shim.h"

// The PREVIEW_VIDEO proxy: a file opened with sr_av_open re-encoded as H.264 video (libx264,
// yuv420p, square pixels) and AAC audio in an MP4 whose index is at the front (faststart), so a
// browser can play and seek it over HTTP ranges while it downloads.

typedef struct {
    /// Displayed height in pixels (even); never more than the source's. Width follows the display
    /// aspect ratio, rounded to even. A quarter-turn display matrix is kept in the output.
    int max_height;
    /// Seconds from the start to keep; 0 or less keeps the whole file.
    double max_seconds;
    /// Target bitrates in kbit/s.
    int video_kbps;
    int audio_kbps;
    /// Nonzero: the PREVIEW_AUDIO proxy of an audio file, AAC only (no video stream, any attached
    /// cover art left out); `max_height` and `video_kbps` are not used.
    int audio_only;
    /// The decompression-bomb guard, as for poster frames: a video whose declared width × height
    /// exceeds it is refused before decoding (AVERROR(E2BIG)), and libavcodec refuses larger
    /// frames (`max_pixels`) should the stream change size later. 0 or less: no limit of its own.
    int max_pixels;
} sr_video_proxy_options;

typedef struct {
    /// As displayed (after the display matrix); 0 for an audio-only proxy.
    int width;
    int height;
    /// The end of the last frame written, in seconds from the start (audio-only: of the last sample).
    double seconds;
    int has_audio;
} sr_video_proxy_facts;

/// Writes the proxy to `out_path` (created or truncated). Returns 0, or a negative AVERROR:
/// AVERROR_STREAM_NOT_FOUND without a video stream (audio-only: without a decodable audio stream), AVERROR_ENCODER_NOT_FOUND without libx264
/// or the AAC encoder, AVERROR_EXIT past `deadline` (av_gettime_relative microseconds).
/// Single-threaded: the caller owns parallelism. A failed call may leave a partial file.
int sr_av_video_proxy(sr_av_input *input, const char *out_path, const sr_video_proxy_options *options, int64_t deadline,
                      sr_video_proxy_facts *facts);

#endif

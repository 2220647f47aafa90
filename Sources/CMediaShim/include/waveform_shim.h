#ifndef STOCKROOM_WAVEFORM_SHIM_H
#define STOCKROOM_WAVEFORM_SHIM_H

#include <stdint.h>
#include "media_shim.h"

// The WAVEFORM rendition's numbers: the first audio stream of a file opened with sr_av_open,
// decoded with libavcodec, converted to planar float by libswresample and mixed to mono, reduced
// to a peak and an RMS level per column. Memory is bounded by the column count, never by the
// file's length: samples go into at most 2 × columns bins, and when those fill up, neighbours
// merge and each bin covers twice as many samples (so a wrong declared duration costs nothing).

typedef struct {
    /// The file's length as decoded: samples (at the source rate) and seconds.
    int64_t samples;
    int sample_rate;
    int channels;
    double seconds;
} sr_waveform_facts;

/// Fills `peaks` and `rms` (each `columns` floats, 0…1) with the levels of consecutive equal
/// stretches of the decoded audio, left to right. Returns 0, or a negative AVERROR:
/// AVERROR_STREAM_NOT_FOUND without an audio stream, AVERROR_DECODER_NOT_FOUND for one no decoder
/// reads, AVERROR_INVALIDDATA when not one sample decodes, AVERROR_EXIT past `deadline`
/// (av_gettime_relative microseconds). A damaged tail ends the waveform where it breaks.
/// `columns` is 1…16384. Single-threaded.
int sr_av_waveform(sr_av_input *input, int columns, int64_t deadline, float *peaks, float *rms, sr_waveform_facts *facts);

#endif

#include "waveform_shim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>

typedef struct {
    float peak;
    double square_sum;
    int64_t count;
} sr_bin;

typedef struct {
    sr_bin *bins;
    int capacity;
    int used;
    /// Samples per full bin: a power of two, doubled at every merge.
    int64_t span;
    int64_t samples;
} sr_levels;

/// Halves the bins in use: each pair becomes one covering twice the samples.
static void sr_levels_merge(sr_levels *levels) {
    int half = levels->used / 2;
    for (int i = 0; i < half; i++) {
        sr_bin a = levels->bins[2 * i], b = levels->bins[2 * i + 1];
        levels->bins[i].peak = a.peak > b.peak ? a.peak : b.peak;
        levels->bins[i].square_sum = a.square_sum + b.square_sum;
        levels->bins[i].count = a.count + b.count;
    }
    if (levels->used % 2) {
        levels->bins[half] = levels->bins[levels->used - 1];
        half++;
    }
    memset(levels->bins + half, 0, (size_t) (levels->capacity - half) * sizeof(sr_bin));
    levels->used = half;
    levels->span *= 2;
}

static void sr_levels_add(sr_levels *levels, float sample) {
    if (!isfinite(sample)) sample = 0;
    float magnitude = fabsf(sample);
    if (magnitude > 1) magnitude = 1;
    int index = (int) (levels->samples / levels->span);
    if (index >= levels->capacity) {
        sr_levels_merge(levels);
        index = (int) (levels->samples / levels->span);
    }
    sr_bin *bin = &levels->bins[index];
    if (magnitude > bin->peak) bin->peak = magnitude;
    bin->square_sum += (double) magnitude * magnitude;
    bin->count++;
    if (index + 1 > levels->used) levels->used = index + 1;
    levels->samples++;
}

/// Mixes planar float channels to mono, one sample at a time.
static void sr_levels_add_planar(sr_levels *levels, float **planes, int channels, int count) {
    for (int i = 0; i < count; i++) {
        float sum = 0;
        for (int c = 0; c < channels; c++) sum += planes[c][i];
        sr_levels_add(levels, sum / channels);
    }
}

typedef struct {
    AVCodecContext *decoder;
    SwrContext *swr;
    AVFrame *frame;
    float **planes;
    int planes_capacity;
    int channels;
    sr_levels levels;
} sr_waveform;

static int sr_waveform_convert(sr_waveform *w, const AVFrame *frame) {
    int in_samples = frame ? frame->nb_samples : 0;
    int out_samples = swr_get_out_samples(w->swr, in_samples);
    if (out_samples <= 0) return 0;
    if (out_samples > w->planes_capacity) {
        if (w->planes) {
            av_freep(&w->planes[0]);
            av_freep(&w->planes);
        }
        w->planes_capacity = 0;
        int result = av_samples_alloc_array_and_samples((uint8_t ***) &w->planes, NULL, w->channels, out_samples, AV_SAMPLE_FMT_FLTP, 0);
        if (result < 0) return result;
        w->planes_capacity = out_samples;
    }
    int converted = swr_convert(w->swr, (uint8_t **) w->planes, out_samples, frame ? (const uint8_t **) frame->extended_data : NULL, in_samples);
    if (converted < 0) return converted;
    sr_levels_add_planar(&w->levels, w->planes, w->channels, converted);
    return 0;
}

static int sr_waveform_decode(sr_waveform *w, const AVPacket *packet) {
    int result = avcodec_send_packet(w->decoder, packet);
    // A damaged packet costs its samples, not the waveform.
    if (result == AVERROR_INVALIDDATA) return 0;
    if (result < 0 && result != AVERROR_EOF) return result;
    for (;;) {
        result = avcodec_receive_frame(w->decoder, w->frame);
        if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) return 0;
        if (result == AVERROR_INVALIDDATA) continue;
        if (result < 0) return result;
        // A decoder that changes its format mid-stream is not followed: the resampler was set up
        // for the first one.
        if (w->frame->format == w->decoder->sample_fmt && w->frame->ch_layout.nb_channels == w->channels) {
            result = sr_waveform_convert(w, w->frame);
        } else {
            result = 0;
        }
        av_frame_unref(w->frame);
        if (result < 0) return result;
    }
}

int sr_av_waveform(sr_av_input *input, int columns, int64_t deadline, float *peaks, float *rms, sr_waveform_facts *facts) {
    memset(facts, 0, sizeof *facts);
    if (columns < 1 || columns > 16384) return AVERROR(EINVAL);
    AVFormatContext *format = sr_av_format(input);
    sr_waveform w = {0};
    AVPacket *packet = NULL;
    const AVCodec *codec = NULL;
    int index = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    int result;
    if (index == AVERROR_DECODER_NOT_FOUND || (index >= 0 && !codec)) return AVERROR_DECODER_NOT_FOUND;
    if (index < 0) return AVERROR_STREAM_NOT_FOUND;
    AVStream *stream = format->streams[index];

    if (!(w.decoder = avcodec_alloc_context3(codec))) return AVERROR(ENOMEM);
    if ((result = avcodec_parameters_to_context(w.decoder, stream->codecpar)) < 0) goto done;
    w.decoder->thread_count = 1;
    if ((result = avcodec_open2(w.decoder, codec, NULL)) < 0) goto done;
    if (w.decoder->sample_rate <= 0 || w.decoder->ch_layout.nb_channels <= 0) {
        result = AVERROR_INVALIDDATA;
        goto done;
    }
    if (w.decoder->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        int channels = w.decoder->ch_layout.nb_channels;
        av_channel_layout_uninit(&w.decoder->ch_layout);
        av_channel_layout_default(&w.decoder->ch_layout, channels);
    }
    w.channels = w.decoder->ch_layout.nb_channels;
    // Same channels and rate, planar float: the mix to mono is a plain mean, the same for every
    // layout (libswresample's own downmix weights would depend on it).
    if ((result = swr_alloc_set_opts2(&w.swr, &w.decoder->ch_layout, AV_SAMPLE_FMT_FLTP, w.decoder->sample_rate,
                                      &w.decoder->ch_layout, w.decoder->sample_fmt, w.decoder->sample_rate, 0, NULL)) < 0) goto done;
    if ((result = swr_init(w.swr)) < 0) goto done;
    if (!(w.frame = av_frame_alloc()) || !(packet = av_packet_alloc())) {
        result = AVERROR(ENOMEM);
        goto done;
    }
    w.levels.capacity = 2 * columns;
    w.levels.span = 1;
    if (!(w.levels.bins = calloc((size_t) w.levels.capacity, sizeof(sr_bin)))) {
        result = AVERROR(ENOMEM);
        goto done;
    }

    for (;;) {
        if (av_gettime_relative() > deadline) {
            result = AVERROR_EXIT;
            goto done;
        }
        int read = av_read_frame(format, packet);
        if (read == AVERROR_EXIT) {
            result = read;
            goto done;
        }
        // The end, or a damaged tail: what was read so far is the waveform.
        if (read < 0) break;
        result = packet->stream_index == index ? sr_waveform_decode(&w, packet) : 0;
        av_packet_unref(packet);
        if (result < 0) goto done;
    }
    if ((result = sr_waveform_decode(&w, NULL)) < 0) goto done;
    if ((result = sr_waveform_convert(&w, NULL)) < 0) goto done;
    if (w.levels.samples == 0) {
        result = AVERROR_INVALIDDATA;
        goto done;
    }

    // Bins to columns: each column takes the bins of its stretch of time (fewer bins than
    // columns, as for a file of a few samples, repeat).
    int used = w.levels.used;
    for (int c = 0; c < columns; c++) {
        int first = (int) ((int64_t) c * used / columns);
        int end = (int) ((int64_t) (c + 1) * used / columns);
        if (end <= first) end = first + 1;
        float peak = 0;
        double squares = 0;
        int64_t count = 0;
        for (int b = first; b < end && b < used; b++) {
            if (w.levels.bins[b].peak > peak) peak = w.levels.bins[b].peak;
            squares += w.levels.bins[b].square_sum;
            count += w.levels.bins[b].count;
        }
        peaks[c] = peak;
        rms[c] = count > 0 ? (float) sqrt(squares / (double) count) : 0;
    }
    facts->samples = w.levels.samples;
    facts->sample_rate = w.decoder->sample_rate;
    facts->channels = w.channels;
    facts->seconds = (double) w.levels.samples / w.decoder->sample_rate;
    result = 0;

done:
    av_packet_free(&packet);
    av_frame_free(&w.frame);
    avcodec_free_context(&w.decoder);
    swr_free(&w.swr);
    if (w.planes) {
        av_freep(&w.planes[0]);
        av_freep(&w.planes);
    }
    free(w.levels.bins);
    return result;
}

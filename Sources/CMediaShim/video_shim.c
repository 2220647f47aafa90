#include "video_shim.h"

#include <math.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

typedef struct {
    AVFormatContext *in;
    AVFormatContext *out;
    AVPacket *packet;
    AVPacket *encoded;
    int64_t deadline;
    double max_seconds;

    int v_index;
    AVStream *v_in;
    AVCodecContext *v_dec;
    AVCodecContext *v_enc;
    AVStream *v_out;
    AVFrame *v_decoded;
    AVFrame *v_scaled;
    struct SwsContext *sws;
    int64_t v_start;
    int64_t v_last_pts;
    double v_frame_seconds;
    double v_end_seconds;
    int v_frames;
    int v_done;
    int quarter_turn;

    int a_index;
    AVStream *a_in;
    AVCodecContext *a_dec;
    AVCodecContext *a_enc;
    AVStream *a_out;
    AVFrame *a_decoded;
    AVFrame *a_chunk;
    SwrContext *swr;
    AVAudioFifo *fifo;
    int64_t a_start;
    int64_t a_written;
    int64_t a_cap;
    int a_done;
} sr_proxy;

/// Hands every packet the encoder has ready to the muxer.
static int sr_proxy_drain(sr_proxy *p, AVCodecContext *encoder, AVStream *stream) {
    for (;;) {
        int result = avcodec_receive_packet(encoder, p->encoded);
        if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) return 0;
        if (result < 0) return result;
        av_packet_rescale_ts(p->encoded, encoder->time_base, stream->time_base);
        p->encoded->stream_index = stream->index;
        result = av_interleaved_write_frame(p->out, p->encoded);
        if (result < 0) return result;
    }
}

static int sr_proxy_video_frame(sr_proxy *p, AVFrame *frame) {
    int64_t pts = frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = p->v_last_pts == AV_NOPTS_VALUE ? p->v_start : p->v_last_pts + 1;
    if (p->v_start == AV_NOPTS_VALUE) p->v_start = pts;
    int64_t relative = pts - p->v_start;
    if (relative < 0) return 0;
    double seconds = relative * av_q2d(p->v_in->time_base);
    if (p->max_seconds > 0 && seconds >= p->max_seconds) {
        p->v_done = 1;
        return 0;
    }
    // Variable frame rates and damaged files repeat timestamps; the encoder needs them rising.
    if (p->v_last_pts != AV_NOPTS_VALUE && relative <= p->v_last_pts) relative = p->v_last_pts + 1;
    p->v_last_pts = relative;

    p->sws = sws_getCachedContext(p->sws, frame->width, frame->height, frame->format, p->v_enc->width, p->v_enc->height,
                                  AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL, NULL, NULL);
    if (!p->sws) return AVERROR(EINVAL);
    int result = av_frame_make_writable(p->v_scaled);
    if (result < 0) return result;
    sws_scale(p->sws, (const uint8_t *const *) frame->data, frame->linesize, 0, frame->height, p->v_scaled->data, p->v_scaled->linesize);
    p->v_scaled->pts = relative;
    p->v_frames++;
    double end = relative * av_q2d(p->v_in->time_base) + p->v_frame_seconds;
    if (p->max_seconds > 0 && end > p->max_seconds) end = p->max_seconds;
    if (end > p->v_end_seconds) p->v_end_seconds = end;
    result = avcodec_send_frame(p->v_enc, p->v_scaled);
    if (result < 0) return result;
    return sr_proxy_drain(p, p->v_enc, p->v_out);
}

/// Encodes whole AAC frames from the FIFO (with `flush`, the rest too), up to the sample cap.
static int sr_proxy_audio_encode(sr_proxy *p, int flush) {
    int frame_size = p->a_enc->frame_size > 0 ? p->a_enc->frame_size : 1024;
    while (!p->a_done) {
        int available = av_audio_fifo_size(p->fifo);
        if (available < frame_size && !(flush && available > 0)) break;
        int count = available < frame_size ? available : frame_size;
        if (p->a_cap > 0 && p->a_written + count > p->a_cap) count = (int) (p->a_cap - p->a_written);
        if (count <= 0) {
            p->a_done = 1;
            break;
        }
        av_frame_unref(p->a_chunk);
        p->a_chunk->nb_samples = count;
        p->a_chunk->format = p->a_enc->sample_fmt;
        p->a_chunk->sample_rate = p->a_enc->sample_rate;
        int result = av_channel_layout_copy(&p->a_chunk->ch_layout, &p->a_enc->ch_layout);
        if (result < 0) return result;
        if ((result = av_frame_get_buffer(p->a_chunk, 0)) < 0) return result;
        if (av_audio_fifo_read(p->fifo, (void **) p->a_chunk->data, count) < count) return AVERROR(EINVAL);
        p->a_chunk->pts = p->a_written;
        p->a_written += count;
        if ((result = avcodec_send_frame(p->a_enc, p->a_chunk)) < 0) return result;
        if ((result = sr_proxy_drain(p, p->a_enc, p->a_out)) < 0) return result;
        // Only the last frame may be short.
        if (count < frame_size) p->a_done = 1;
    }
    return 0;
}

/// Resamples into the FIFO; `frame` NULL drains the resampler.
static int sr_proxy_audio_frame(sr_proxy *p, AVFrame *frame) {
    if (frame) {
        int64_t pts = frame->best_effort_timestamp;
        if (pts != AV_NOPTS_VALUE) {
            if (p->a_start == AV_NOPTS_VALUE) p->a_start = pts;
            if (pts < p->a_start) return 0;
        }
    }
    int in_samples = frame ? frame->nb_samples : 0;
    int out_samples = swr_get_out_samples(p->swr, in_samples);
    if (out_samples <= 0) return sr_proxy_audio_encode(p, frame == NULL);
    uint8_t **buffer = NULL;
    int result = av_samples_alloc_array_and_samples(&buffer, NULL, p->a_enc->ch_layout.nb_channels, out_samples, p->a_enc->sample_fmt, 0);
    if (result < 0) return result;
    int converted = swr_convert(p->swr, buffer, out_samples, frame ? (const uint8_t **) frame->extended_data : NULL, in_samples);
    if (converted > 0 && av_audio_fifo_write(p->fifo, (void **) buffer, converted) < converted) converted = AVERROR(ENOMEM);
    av_freep(&buffer[0]);
    av_freep(&buffer);
    if (converted < 0) return converted;
    return sr_proxy_audio_encode(p, frame == NULL);
}

/// Sends a packet (NULL: end of stream) and handles every frame it yields.
static int sr_proxy_decode(sr_proxy *p, AVCodecContext *decoder, AVFrame *frame, const AVPacket *packet, int video) {
    int result = avcodec_send_packet(decoder, packet);
    // A damaged packet costs its frames, not the proxy.
    if (result == AVERROR_INVALIDDATA) return 0;
    if (result < 0 && result != AVERROR_EOF) return result;
    for (;;) {
        result = avcodec_receive_frame(decoder, frame);
        if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) return 0;
        if (result == AVERROR_INVALIDDATA) continue;
        if (result < 0) return result;
        if (video ? !p->v_done : !p->a_done) {
            result = video ? sr_proxy_video_frame(p, frame) : sr_proxy_audio_frame(p, frame);
        } else {
            result = 0;
        }
        av_frame_unref(frame);
        if (result < 0) return result;
    }
}

static int sr_proxy_open_video(sr_proxy *p, const sr_video_proxy_options *options) {
    const AVCodec *decoder = NULL;
    p->v_index = av_find_best_stream(p->in, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (p->v_index < 0 || (p->in->streams[p->v_index]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return AVERROR_STREAM_NOT_FOUND;
    if (!decoder) return AVERROR_DECODER_NOT_FOUND;
    p->v_in = p->in->streams[p->v_index];
    if (options->max_pixels > 0 && (int64_t) p->v_in->codecpar->width * p->v_in->codecpar->height > options->max_pixels) {
        return AVERROR(E2BIG);
    }
    if (!(p->v_dec = avcodec_alloc_context3(decoder))) return AVERROR(ENOMEM);
    int result = avcodec_parameters_to_context(p->v_dec, p->v_in->codecpar);
    if (result < 0) return result;
    p->v_dec->thread_count = 1;
    if (options->max_pixels > 0) p->v_dec->max_pixels = options->max_pixels;
    if ((result = avcodec_open2(p->v_dec, decoder, NULL)) < 0) return result;
    if (p->v_dec->width <= 0 || p->v_dec->height <= 0) return AVERROR_INVALIDDATA;

    const AVCodec *encoder = avcodec_find_encoder_by_name("libx264");
    if (!encoder) return AVERROR_ENCODER_NOT_FOUND;
    if (!(p->v_enc = avcodec_alloc_context3(encoder))) return AVERROR(ENOMEM);
    AVRational aspect = av_guess_sample_aspect_ratio(p->in, p->v_in, NULL);
    double sample_aspect = aspect.num > 0 && aspect.den > 0 ? av_q2d(aspect) : 1.0;
    double display_width = p->v_dec->width * sample_aspect;
    // Phones store portrait video on its side with a display matrix; the proxy keeps the matrix
    // (browsers honour it), so the limit applies to the edge that ends up vertical.
    size_t matrix_size = 0;
    const int32_t *matrix = (const int32_t *) av_stream_get_side_data(p->v_in, AV_PKT_DATA_DISPLAYMATRIX, &matrix_size);
    int quarter_turn = 0;
    if (matrix && matrix_size >= 9 * sizeof(int32_t)) {
        double rotation = av_display_rotation_get(matrix);
        quarter_turn = isfinite(rotation) && ((long) lround(fabs(rotation) / 90.0)) % 2 == 1;
    } else {
        matrix = NULL;
    }
    int width, height;
    if (!quarter_turn) {
        height = p->v_dec->height < options->max_height ? p->v_dec->height : options->max_height;
        height &= ~1;
        if (height < 2) height = 2;
        width = 2 * (int) lround(display_width * height / p->v_dec->height / 2.0);
    } else {
        width = display_width < options->max_height ? (int) display_width : options->max_height;
        width &= ~1;
        if (width < 2) width = 2;
        height = 2 * (int) lround(p->v_dec->height * width / display_width / 2.0);
    }
    if (width < 2) width = 2;
    if (height < 2) height = 2;
    if (width > 8192 || height > 8192) return AVERROR(EINVAL);
    p->quarter_turn = quarter_turn;
    AVRational rate = av_guess_frame_rate(p->in, p->v_in, NULL);
    if (rate.num <= 0 || rate.den <= 0 || av_q2d(rate) > 120) rate = (AVRational){25, 1};
    p->v_frame_seconds = 1.0 / av_q2d(rate);
    p->v_enc->width = width;
    p->v_enc->height = height;
    p->v_enc->sample_aspect_ratio = (AVRational){1, 1};
    p->v_enc->pix_fmt = AV_PIX_FMT_YUV420P;
    // The source's own clock: variable frame rates keep their timing.
    p->v_enc->time_base = p->v_in->time_base;
    p->v_enc->framerate = rate;
    p->v_enc->bit_rate = (int64_t) options->video_kbps * 1000;
    p->v_enc->rc_max_rate = p->v_enc->bit_rate * 3 / 2;
    p->v_enc->rc_buffer_size = (int) (p->v_enc->bit_rate * 2);
    // A keyframe every two seconds: seeking in the page lands close to where it was asked.
    p->v_enc->gop_size = (int) ceil(2 * av_q2d(rate));
    p->v_enc->thread_count = 1;
    if (p->out->oformat->flags & AVFMT_GLOBALHEADER) p->v_enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(p->v_enc->priv_data, "preset", "veryfast", 0);
    av_opt_set(p->v_enc->priv_data, "profile", "high", 0);
    if ((result = avcodec_open2(p->v_enc, encoder, NULL)) < 0) return result;
    if (!(p->v_out = avformat_new_stream(p->out, NULL))) return AVERROR(ENOMEM);
    if ((result = avcodec_parameters_from_context(p->v_out->codecpar, p->v_enc)) < 0) return result;
    p->v_out->time_base = p->v_enc->time_base;
    if (matrix) {
        uint8_t *copy = av_stream_new_side_data(p->v_out, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
        if (!copy) return AVERROR(ENOMEM);
        memcpy(copy, matrix, 9 * sizeof(int32_t));
    }

    if (!(p->v_decoded = av_frame_alloc()) || !(p->v_scaled = av_frame_alloc())) return AVERROR(ENOMEM);
    p->v_scaled->format = AV_PIX_FMT_YUV420P;
    p->v_scaled->width = width;
    p->v_scaled->height = height;
    return av_frame_get_buffer(p->v_scaled, 0);
}

/// Opens the audio side; a file whose audio cannot be decoded gets a silent proxy (returns 0
/// with `a_index` -1), one without the AAC encoder fails.
static int sr_proxy_open_audio(sr_proxy *p, const sr_video_proxy_options *options) {
    const AVCodec *decoder = NULL;
    p->a_index = av_find_best_stream(p->in, AVMEDIA_TYPE_AUDIO, -1, p->v_index, &decoder, 0);
    if (p->a_index < 0 || !decoder) {
        p->a_index = -1;
        return 0;
    }
    p->a_in = p->in->streams[p->a_index];
    if (!(p->a_dec = avcodec_alloc_context3(decoder))) return AVERROR(ENOMEM);
    int result = avcodec_parameters_to_context(p->a_dec, p->a_in->codecpar);
    if (result < 0) return result;
    p->a_dec->thread_count = 1;
    if (avcodec_open2(p->a_dec, decoder, NULL) < 0 || p->a_dec->sample_rate <= 0 || p->a_dec->ch_layout.nb_channels <= 0) {
        p->a_index = -1;
        return 0;
    }
    if (p->a_dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        int channels = p->a_dec->ch_layout.nb_channels;
        av_channel_layout_uninit(&p->a_dec->ch_layout);
        av_channel_layout_default(&p->a_dec->ch_layout, channels);
    }

    const AVCodec *encoder = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!encoder) return AVERROR_ENCODER_NOT_FOUND;
    if (!(p->a_enc = avcodec_alloc_context3(encoder))) return AVERROR(ENOMEM);
    int rate = p->a_dec->sample_rate == 44100 || p->a_dec->sample_rate == 48000 ? p->a_dec->sample_rate : 48000;
    p->a_enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    p->a_enc->sample_rate = rate;
    av_channel_layout_default(&p->a_enc->ch_layout, p->a_dec->ch_layout.nb_channels >= 2 ? 2 : 1);
    p->a_enc->bit_rate = (int64_t) options->audio_kbps * 1000;
    p->a_enc->time_base = (AVRational){1, rate};
    p->a_enc->thread_count = 1;
    if (p->out->oformat->flags & AVFMT_GLOBALHEADER) p->a_enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((result = avcodec_open2(p->a_enc, encoder, NULL)) < 0) return result;
    if (!(p->a_out = avformat_new_stream(p->out, NULL))) return AVERROR(ENOMEM);
    if ((result = avcodec_parameters_from_context(p->a_out->codecpar, p->a_enc)) < 0) return result;
    p->a_out->time_base = p->a_enc->time_base;

    result = swr_alloc_set_opts2(&p->swr, &p->a_enc->ch_layout, p->a_enc->sample_fmt, rate, &p->a_dec->ch_layout,
                                 p->a_dec->sample_fmt, p->a_dec->sample_rate, 0, NULL);
    if (result < 0) return result;
    if ((result = swr_init(p->swr)) < 0) return result;
    if (!(p->fifo = av_audio_fifo_alloc(p->a_enc->sample_fmt, p->a_enc->ch_layout.nb_channels, 4096))) return AVERROR(ENOMEM);
    if (!(p->a_decoded = av_frame_alloc()) || !(p->a_chunk = av_frame_alloc())) return AVERROR(ENOMEM);
    p->a_cap = options->max_seconds > 0 ? (int64_t) llround(options->max_seconds * rate) : 0;
    return 0;
}

int sr_av_video_proxy(sr_av_input *input, const char *out_path, const sr_video_proxy_options *options, int64_t deadline,
                      sr_video_proxy_facts *facts) {
    memset(facts, 0, sizeof *facts);
    if (options->audio_kbps <= 0) return AVERROR(EINVAL);
    if (!options->audio_only && (options->max_height < 2 || options->video_kbps <= 0)) return AVERROR(EINVAL);
    sr_proxy p = {0};
    p.in = sr_av_format(input);
    p.deadline = deadline;
    p.max_seconds = options->max_seconds;
    p.v_start = p.a_start = AV_NOPTS_VALUE;
    p.v_last_pts = AV_NOPTS_VALUE;
    p.a_index = -1;

    int result = avformat_alloc_output_context2(&p.out, NULL, "mp4", out_path);
    if (result < 0 || !p.out) goto done;
    if (!(p.packet = av_packet_alloc()) || !(p.encoded = av_packet_alloc())) {
        result = AVERROR(ENOMEM);
        goto done;
    }
    if (options->audio_only) {
        p.v_index = -1;
        p.v_done = 1;
    } else if ((result = sr_proxy_open_video(&p, options)) < 0) {
        goto done;
    }
    if ((result = sr_proxy_open_audio(&p, options)) < 0) goto done;
    if (options->audio_only && p.a_index < 0) {
        result = AVERROR_STREAM_NOT_FOUND;
        goto done;
    }
    if ((result = avio_open(&p.out->pb, out_path, AVIO_FLAG_WRITE)) < 0) goto done;
    AVDictionary *muxing = NULL;
    // The index at the front: the page plays from the first bytes and seeks with ranges.
    av_dict_set(&muxing, "movflags", "+faststart", 0);
    result = avformat_write_header(p.out, &muxing);
    av_dict_free(&muxing);
    if (result < 0) goto done;

    while (!(p.v_done && (p.a_index < 0 || p.a_done))) {
        if (av_gettime_relative() > p.deadline) {
            result = AVERROR_EXIT;
            goto done;
        }
        int read = av_read_frame(p.in, p.packet);
        if (read == AVERROR_EXIT) {
            result = read;
            goto done;
        }
        // The end, or a damaged tail: what was read so far is the proxy.
        if (read < 0) break;
        if (p.packet->stream_index == p.v_index && !p.v_done) {
            result = sr_proxy_decode(&p, p.v_dec, p.v_decoded, p.packet, 1);
        } else if (p.packet->stream_index == p.a_index && !p.a_done) {
            result = sr_proxy_decode(&p, p.a_dec, p.a_decoded, p.packet, 0);
        } else {
            result = 0;
        }
        av_packet_unref(p.packet);
        if (result < 0) goto done;
    }
    if (!p.v_done && (result = sr_proxy_decode(&p, p.v_dec, p.v_decoded, NULL, 1)) < 0) goto done;
    if (!options->audio_only && p.v_frames == 0) {
        result = AVERROR_INVALIDDATA;
        goto done;
    }
    if (p.a_index >= 0) {
        if (!p.a_done && (result = sr_proxy_decode(&p, p.a_dec, p.a_decoded, NULL, 0)) < 0) goto done;
        if (!p.a_done && (result = sr_proxy_audio_frame(&p, NULL)) < 0) goto done;
        if ((result = avcodec_send_frame(p.a_enc, NULL)) < 0) goto done;
        if ((result = sr_proxy_drain(&p, p.a_enc, p.a_out)) < 0) goto done;
    }
    if (options->audio_only && p.a_written == 0) {
        result = AVERROR_INVALIDDATA;
        goto done;
    }
    if (p.v_enc) {
        if ((result = avcodec_send_frame(p.v_enc, NULL)) < 0) goto done;
        if ((result = sr_proxy_drain(&p, p.v_enc, p.v_out)) < 0) goto done;
    }
    if ((result = av_write_trailer(p.out)) < 0) goto done;
    if (p.v_enc) {
        facts->width = p.quarter_turn ? p.v_enc->height : p.v_enc->width;
        facts->height = p.quarter_turn ? p.v_enc->width : p.v_enc->height;
        facts->seconds = p.v_end_seconds;
    } else {
        facts->seconds = (double) p.a_written / p.a_enc->sample_rate;
    }
    facts->has_audio = p.a_index >= 0 && p.a_written > 0;
    result = 0;

done:
    if (p.out && p.out->pb) avio_closep(&p.out->pb);
    avformat_free_context(p.out);
    av_packet_free(&p.packet);
    av_packet_free(&p.encoded);
    avcodec_free_context(&p.v_dec);
    avcodec_free_context(&p.v_enc);
    avcodec_free_context(&p.a_dec);
    avcodec_free_context(&p.a_enc);
    av_frame_free(&p.v_decoded);
    av_frame_free(&p.v_scaled);
    av_frame_free(&p.a_decoded);
    av_frame_free(&p.a_chunk);
    sws_freeContext(p.sws);
    swr_free(&p.swr);
    if (p.fifo) av_audio_fifo_free(p.fifo);
    return result;
}

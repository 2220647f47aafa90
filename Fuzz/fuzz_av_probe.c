// Audio/video describe: libavformat's probe and stream-info read limited to the demuxer allowlist
// and the file protocol (sr_av_open), then every stream fact AVProbe reads.
#include "fuzz_support.h"

#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void) argc;
    (void) argv;
    fuzz_init_av();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_write_input(data, size);
    sr_av_input *input = NULL;
    if (sr_av_open(path, FUZZ_DEMUXER_ALLOWLIST, fuzz_av_deadline(), &input) != 0) return 0;
    AVFormatContext *format = sr_av_format(input);
    char text[256];
    const AVDictionaryEntry *tag = NULL;
    while ((tag = av_dict_get(format->metadata, "", tag, AV_DICT_IGNORE_SUFFIX))) (void) strlen(tag->value);
    for (unsigned i = 0; i < format->nb_streams; i++) {
        AVStream *stream = format->streams[i];
        AVCodecParameters *par = stream->codecpar;
        (void) avcodec_get_name(par->codec_id);
        (void) avcodec_descriptor_get(par->codec_id);
        (void) sr_av_is_attached_picture(stream);
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
            (void) sr_av_stream_rotation(stream);
            (void) av_get_pix_fmt_name(par->format);
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
            (void) sr_av_channels(par);
            sr_av_channel_layout(par, text, sizeof text);
        }
        tag = NULL;
        while ((tag = av_dict_get(stream->metadata, "", tag, AV_DICT_IGNORE_SUFFIX))) (void) strlen(tag->value);
    }
    sr_av_close(input);
    return 0;
}

import Foundation
internal import CAVFormat
internal import CMediaShim

/// Container and stream facts of an opened audio/video file.
enum AVProbe {
    static func describe(_ input: AVInput) throws(MediaError) -> MediaDescription {
        let context = input.context.pointee
        let container = context.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let nopts = sr_av_nopts_value()

        var streams: [AVStreamInfo] = []
        for stream in input.streams {
            streams.append(streamInfo(stream, nopts: nopts))
        }
        let hasVideo = streams.contains { $0.type == .video && !$0.isAttachedPicture }
        let hasAudio = streams.contains { $0.type == .audio }
        guard hasVideo || hasAudio else {
            throw .unsupportedFormat("\(container) file without audio or video streams")
        }
        let kind: MediaKind = hasVideo ? .video : .audio

        var duration: Double?
        if context.duration != nopts && context.duration > 0 {
            duration = Double(context.duration) / Double(AV_TIME_BASE)
        } else {
            duration = streams.compactMap(\.durationSeconds).max()
        }

        var tags = dictionary(context.metadata)
        if container == "ogg" {
            // Ogg keeps its Vorbis comments on the stream, not the container.
            for stream in input.streams where stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
                for (key, value) in dictionary(stream.pointee.metadata) where tags[key] == nil {
                    tags[key] = value
                }
            }
        }

        let info = AVInfo(container: container, durationSeconds: duration,
                          bitRate: context.bit_rate > 0 ? context.bit_rate : nil,
                          streams: streams, tags: tags,
                          hasCoverArt: streams.contains(where: \.isAttachedPicture))
        let naming = MediaTypes.audioVisual(container: container, kind: kind,
                                            codecs: streams.filter { !$0.isAttachedPicture }.map(\.codec),
                                            majorBrand: tags["major_brand"])
        var description = MediaDescription(kind: kind, format: naming.format, mimeType: naming.mimeType)
        description.av = info
        return description
    }

    private static func streamInfo(_ stream: UnsafeMutablePointer<AVStream>, nopts: Int64) -> AVStreamInfo {
        let parameters = stream.pointee.codecpar.pointee
        let type: AVStreamInfo.StreamType
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO: type = .video
        case AVMEDIA_TYPE_AUDIO: type = .audio
        case AVMEDIA_TYPE_SUBTITLE: type = .subtitle
        case AVMEDIA_TYPE_DATA: type = .data
        case AVMEDIA_TYPE_ATTACHMENT: type = .attachment
        default: type = .unknown
        }
        var info = AVStreamInfo(index: Int(stream.pointee.index), type: type,
                                codec: String(cString: avcodec_get_name(parameters.codec_id)))
        if let descriptor = avcodec_descriptor_get(parameters.codec_id), let longName = descriptor.pointee.long_name {
            info.codecLongName = String(cString: longName)
        }
        info.isAttachedPicture = sr_av_is_attached_picture(stream) != 0
        if parameters.bit_rate > 0 { info.bitRate = parameters.bit_rate }
        if stream.pointee.duration != nopts && stream.pointee.duration > 0 {
            let seconds = Double(stream.pointee.duration) * rational(stream.pointee.time_base)
            if seconds.isFinite && seconds > 0 { info.durationSeconds = seconds }
        }
        switch type {
        case .video:
            if parameters.width > 0 { info.width = Int(parameters.width) }
            if parameters.height > 0 { info.height = Int(parameters.height) }
            let average = rational(stream.pointee.avg_frame_rate)
            let real = rational(stream.pointee.r_frame_rate)
            if !info.isAttachedPicture, let rate = [average, real].first(where: { $0.isFinite && $0 > 0 }) {
                info.frameRate = rate
            }
            info.rotation = Int(sr_av_stream_rotation(stream))
            if let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)) {
                info.pixelFormat = String(cString: name)
            }
        case .audio:
            if parameters.sample_rate > 0 { info.sampleRate = Int(parameters.sample_rate) }
            let channels = Int(sr_av_channels(stream.pointee.codecpar))
            if channels > 0 { info.channels = channels }
            var buffer = [CChar](repeating: 0, count: 128)
            sr_av_channel_layout(stream.pointee.codecpar, &buffer, buffer.count)
            let layout = String(nulTerminated: buffer)
            if !layout.isEmpty { info.channelLayout = layout }
        default:
            break
        }
        return info
    }

    private static func rational(_ value: AVRational) -> Double {
        value.den == 0 ? .nan : Double(value.num) / Double(value.den)
    }

    /// Every entry of an AVDictionary, keys lowercased.
    private static func dictionary(_ dictionary: OpaquePointer?) -> [String: String] {
        guard let dictionary else { return [:] }
        var result: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            entry = next
            guard let key = next.pointee.key, let value = next.pointee.value else { continue }
            let text = String(cString: value).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { result[String(cString: key).lowercased()] = text }
        }
        return result
    }
}

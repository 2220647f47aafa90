import Foundation
internal import CAVFormat
internal import CMediaShim

/// Re-encodes an opened video as the PREVIEW_VIDEO proxy (libavcodec: libx264 and AAC, MP4 with
/// the index in front), one thread, within the input's deadline.
enum VideoProxyEncoder {
    static func encode(_ input: AVInput, recipe: VideoProxyRecipe, to output: URL) throws(MediaError) -> VideoProxyFacts {
        // The poster's guard (`AVInput.posterFrame`): the declared size names the bomb before
        // any frame is decoded; the shim checks it again and gives libavcodec the same limit.
        let video = input.streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO && sr_av_is_attached_picture($0) == 0 }
        if let video {
            let parameters = video.pointee.codecpar.pointee
            try PixelLimit.check(width: Int(parameters.width), height: Int(parameters.height), pages: 1, limit: input.maxPixels)
        }
        var options = sr_video_proxy_options(max_height: Int32(recipe.maxHeight), max_seconds: recipe.durationSeconds ?? 0,
                                             video_kbps: Int32(recipe.videoBitrateKbps), audio_kbps: Int32(recipe.audioBitrateKbps),
                                             audio_only: 0, max_pixels: Int32(clamping: input.maxPixels))
        var facts = sr_video_proxy_facts()
        let status = sr_av_video_proxy(input.handle, output.path, &options, input.deadline.monotonicMicroseconds, &facts)
        guard status == 0, facts.width > 0, facts.height > 0 else {
            try? FileManager.default.removeItem(at: output)
            if sr_av_is_interrupted(status) != 0 { throw .timedOut(seconds: input.deadline.limitSeconds) }
            try input.deadline.check()
            if status == AVInput.streamNotFoundCode { throw .noVisualContent("no video stream to make a preview video of") }
            if status == -E2BIG, let video {
                let parameters = video.pointee.codecpar.pointee
                throw .tooManyPixels(width: Int(parameters.width), height: Int(parameters.height), pages: 1, limit: input.maxPixels)
            }
            if status == AVInput.encoderNotFoundCode { throw .av("the H.264 (libx264) or AAC encoder is missing from libavcodec") }
            throw .av("cannot make the preview video: \(AVInput.message(status))")
        }
        return VideoProxyFacts(width: Int(facts.width), height: Int(facts.height), durationSeconds: facts.seconds,
                               hasAudio: facts.has_audio != 0)
    }
}

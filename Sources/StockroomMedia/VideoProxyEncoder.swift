import Foundation
internal import CAVFormat
internal import CMediaShim

/// Re-encodes an opened video as the PREVIEW_VIDEO proxy (libavcodec: libx264 and AAC, MP4 with
/// the index in front), one thread, within the input's deadline.
enum VideoProxyEncoder {
    static func encode(_ input: AVInput, recipe: VideoProxyRecipe, to output: URL) throws(MediaError) -> VideoProxyFacts {
        var options = sr_video_proxy_options(max_height: Int32(recipe.maxHeight), max_seconds: recipe.durationSeconds ?? 0,
                                             video_kbps: Int32(recipe.videoBitrateKbps), audio_kbps: Int32(recipe.audioBitrateKbps))
        var facts = sr_video_proxy_facts()
        let status = sr_av_video_proxy(input.handle, output.path, &options, input.deadline.monotonicMicroseconds, &facts)
        guard status == 0, facts.width > 0, facts.height > 0 else {
            try? FileManager.default.removeItem(at: output)
            if sr_av_is_interrupted(status) != 0 { throw .timedOut(seconds: input.deadline.limitSeconds) }
            try input.deadline.check()
            if status == AVInput.streamNotFoundCode { throw .noVisualContent("no video stream to make a preview video of") }
            if status == AVInput.encoderNotFoundCode { throw .av("the H.264 (libx264) or AAC encoder is missing from libavcodec") }
            throw .av("cannot make the preview video: \(AVInput.message(status))")
        }
        return VideoProxyFacts(width: Int(facts.width), height: Int(facts.height), durationSeconds: facts.seconds,
                               hasAudio: facts.has_audio != 0)
    }
}

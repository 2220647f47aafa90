import Foundation
internal import CAVFormat
internal import CMediaShim

/// Re-encodes the first audio stream of an opened file as the PREVIEW_AUDIO proxy (libavcodec's
/// AAC encoder through the PREVIEW_VIDEO transcoder in its audio-only mode), one thread, within
/// the input's deadline.
enum AudioProxyEncoder {
    static func encode(_ input: AVInput, recipe: AudioProxyRecipe, to output: URL) throws(MediaError) -> AudioProxyFacts {
        var options = sr_video_proxy_options(max_height: 0, max_seconds: recipe.durationSeconds ?? 0, video_kbps: 0,
                                             audio_kbps: Int32(recipe.bitrateKbps), audio_only: 1, max_pixels: 0)
        var facts = sr_video_proxy_facts()
        let status = sr_av_video_proxy(input.handle, output.path, &options, input.deadline.monotonicMicroseconds, &facts)
        guard status == 0, facts.seconds > 0 else {
            try? FileManager.default.removeItem(at: output)
            if sr_av_is_interrupted(status) != 0 { throw .timedOut(seconds: input.deadline.limitSeconds) }
            try input.deadline.check()
            if status == AVInput.streamNotFoundCode { throw .noVisualContent("no audio stream to make a preview audio of") }
            if status == AVInput.encoderNotFoundCode { throw .av("the AAC encoder is missing from libavcodec") }
            throw .av("cannot make the preview audio: \(AVInput.message(status))")
        }
        return AudioProxyFacts(durationSeconds: facts.seconds)
    }
}

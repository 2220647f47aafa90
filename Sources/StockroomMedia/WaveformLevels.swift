import Foundation
internal import CAVFormat
internal import CMediaShim

/// The peak and RMS level (0…1) of each of `columns` equal stretches of a file's first audio
/// stream, mixed to mono: what the WAVEFORM rendition draws. Memory is bounded by the column
/// count, whatever the file's length (see waveform_shim.h); time by the input's deadline.
struct WaveformLevels: Equatable {
    var peaks: [Float]
    var rms: [Float]
    var seconds: Double
    var samples: Int64

    static func read(_ input: AVInput, columns: Int) throws(MediaError) -> WaveformLevels {
        guard (1...16_384).contains(columns) else { throw .corrupt("a waveform of \(columns) columns") }
        var peaks = [Float](repeating: 0, count: columns)
        var rms = [Float](repeating: 0, count: columns)
        var facts = sr_waveform_facts()
        let status = peaks.withUnsafeMutableBufferPointer { peaks in
            rms.withUnsafeMutableBufferPointer { rms in
                sr_av_waveform(input.handle, Int32(columns), input.deadline.monotonicMicroseconds, peaks.baseAddress, rms.baseAddress, &facts)
            }
        }
        guard status == 0 else {
            if sr_av_is_interrupted(status) != 0 { throw .timedOut(seconds: input.deadline.limitSeconds) }
            try input.deadline.check()
            if status == AVInput.streamNotFoundCode { throw .noVisualContent("no audio stream to draw a waveform of") }
            throw .corrupt("cannot decode the audio for the waveform: \(AVInput.message(status))")
        }
        return WaveformLevels(peaks: peaks, rms: rms, seconds: facts.seconds, samples: facts.samples)
    }
}

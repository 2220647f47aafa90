import Foundation
internal import CAVFormat
internal import CMediaShim

/// One audio/video file opened and probed by libavformat; closed on deinit.
final class AVInput {
    /// Demuxers Stockroom lets near untrusted files. Image demuxers (image2, *_pipe), playlists
    /// (hls, concat) and the long tail of exotic containers are refused.
    static let demuxerAllowlist = [
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "mp3", "flac", "ogg", "wav", "aiff",
        "aac", "avi", "mpegts", "mpeg", "asf", "flv",
    ].joined(separator: ",")

    let handle: OpaquePointer
    let deadline: Deadline
    /// The decompression-bomb guard for decoded frames (width × height).
    let maxPixels: Int

    init(path: String, deadline: Deadline, maxPixels: Int = MediaEngineConfiguration().maxPixels) throws(MediaError) {
        sr_av_init()
        self.deadline = deadline
        self.maxPixels = maxPixels
        var opened: OpaquePointer?
        let status = sr_av_open(path, Self.demuxerAllowlist, deadline.monotonicMicroseconds, &opened)
        guard status == 0, let opened else {
            try deadline.check()
            if status == Self.endOfFileCode {
                throw .corrupt("the file ends before its header does (\(Self.message(status)))")
            }
            if status == -EINVAL || status == Self.invalidDataCode {
                throw .unsupportedFormat("not an image, audio or video format Stockroom accepts (\(Self.message(status)))")
            }
            throw .av("cannot open: \(Self.message(status))")
        }
        handle = opened
    }

    deinit {
        sr_av_close(handle)
    }

    var context: UnsafeMutablePointer<AVFormatContext> { sr_av_format(handle) }

    var streams: [UnsafeMutablePointer<AVStream>] {
        let context = context.pointee
        guard let streams = context.streams else { return [] }
        return (0..<Int(context.nb_streams)).compactMap { streams[$0] }
    }

    /// The encoded bytes of the first attached picture (cover art), if any.
    func coverArt() -> Data? {
        var bytes: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard sr_av_attached_picture(handle, &bytes, &size) == 0, let bytes else { return nil }
        defer { free(bytes) }
        return Data(bytes: bytes, count: size)
    }

    /// A representative decoded frame of the first video stream, RGB 8-bit at square pixels.
    func posterFrame() throws(MediaError) -> (pixels: Data, size: PixelSize) {
        // The declared size is checked first, so a hostile header names the bomb rather than
        // failing as an undecodable frame (libavcodec refuses the frame with the same limit).
        if let video = streams.first(where: { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO && sr_av_is_attached_picture($0) == 0 }) {
            let parameters = video.pointee.codecpar.pointee
            try PixelLimit.check(width: Int(parameters.width), height: Int(parameters.height), pages: 1, limit: maxPixels)
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        let status = sr_av_poster_frame(handle, Int32(clamping: maxPixels), &pixels, &width, &height)
        guard status == 0, let pixels, width > 0, height > 0 else {
            if let pixels { free(pixels) }
            if sr_av_is_interrupted(status) != 0 { throw .timedOut(seconds: deadline.limitSeconds) }
            try deadline.check()
            throw .corrupt("cannot decode a video frame: \(Self.message(status))")
        }
        defer { free(pixels) }
        return (Data(bytes: pixels, count: Int(width) * Int(height) * 3), PixelSize(width: Int(width), height: Int(height)))
    }

    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        sr_av_error_string(code, &buffer, buffer.count)
        return String(nulTerminated: buffer)
    }

    /// AVERROR_INVALIDDATA is FFERRTAG('I','N','D','A'), a macro Swift cannot import.
    private static let invalidDataCode = errorTag("I", "N", "D", "A")
    /// AVERROR_EOF is FFERRTAG('E','O','F',' ').
    private static let endOfFileCode = errorTag("E", "O", "F", " ")
    /// AVERROR_STREAM_NOT_FOUND is FFERRTAG(0xF8,'S','T','R'); AVERROR_ENCODER_NOT_FOUND FFERRTAG(0xF8,'E','N','C').
    static let streamNotFoundCode = errorTag("\u{F8}", "S", "T", "R")
    static let encoderNotFoundCode = errorTag("\u{F8}", "E", "N", "C")

    private static func errorTag(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar, _ d: Unicode.Scalar) -> Int32 {
        -Int32(bitPattern: a.value | b.value << 8 | c.value << 16 | d.value << 24)
    }
}

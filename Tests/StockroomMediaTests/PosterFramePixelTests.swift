import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// The poster frame's bytes, not just its size: for odd widths (whose RGB rows are not a multiple
/// of any vector width) and every pixel layout, the tightly packed buffer the shim copies out of
/// libswscale's padded frame must equal a frame that the ffmpeg command line decodes from the
/// same file. A wrong stride shears the picture; a wrong format turns it to noise.
@Suite("Poster frame pixels")
struct PosterFramePixelTests {
    @Test("poster equals a frame ffmpeg decodes", arguments: [
        "vp9-yuv420p-1x1.webm", "vp9-yuv420p-7x13.webm", "vp9-yuv420p-215x383.webm", "vp9-yuv444p-1081x17.webm",
        "vp9-yuv422p10-215x119.webm", "rawvideo-nv12-215x9.avi", "mjpeg-yuvj422p-217x5.avi", "ffv1-gray-17x5.mkv",
        "ffv1-yuva420p-15x9.mkv", "png-rgb48-13x7.mov", "hevc-phone-216x384-aac.mp4", "h264-yuv420p-1080x18.mp4",
    ])
    func posterMatchesFFmpeg(_ file: String) throws {
        let url = AwkwardMedia.directory.appendingPathComponent(file)
        _ = try AwkwardMedia.loaded.get()
        let input = try AVInput(path: url.path, deadline: Deadline(seconds: 60))
        let poster = try input.posterFrame()
        let rowBytes = poster.size.width * 3
        #expect(poster.pixels.count == rowBytes * poster.size.height)

        let frames = try Self.ffmpegFrames(url, frameBytes: poster.pixels.count)
        try #require(!frames.isEmpty, "ffmpeg decoded no frames of \(file)")
        let ours = [UInt8](poster.pixels)
        let closest = frames.map { Self.meanAbsoluteDifference(ours, $0) }.min() ?? .infinity
        #expect(closest < 1.0, "\(file): the poster differs from every decoded frame by \(closest) per byte on average")
    }

    /// Every frame of the first video stream as RGB24 at its coded size, by the ffmpeg CLI.
    private static func ffmpegFrames(_ url: URL, frameBytes: Int) throws -> [[UInt8]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-v", "error", "-i", url.path, "-map", "0:v:0",
                             "-sws_flags", "bicubic", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        guard process.terminationStatus == 0, frameBytes > 0 else { return [] }
        return stride(from: 0, to: bytes.count - frameBytes + 1, by: frameBytes).map { Array(bytes[$0..<($0 + frameBytes)]) }
    }

    private static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var total = 0
        for index in a.indices { total += abs(Int(a[index]) - Int(b[index])) }
        return Double(total) / Double(a.count)
    }
}

import Foundation
@testable import StockroomCore
import StockroomTestSupport

/// Files that make a real media worker fail in a real way, for the containment tests.
enum MediaWorkerFixtures {
    /// A corpus file with a test-hook marker appended (decoders ignore bytes after the end of the
    /// image): with hooks on, the worker commits `action` at `step`. Hooks are off unless the
    /// pool's environment names a state directory.
    static func hooked(_ source: String, action: String, step: String, to url: URL) throws -> URL {
        var bytes = try Data(contentsOf: Corpus.file(source))
        bytes.append(Data("\n\(MediaWorkerTestHook.marker)\(action):\(step)\n".utf8))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: url)
        return url
    }

    /// A 35-byte GIF declaring one 14000 × 14000 frame (196 megapixels, under the default pixel
    /// limit): its header reads at once, but the decoder allocates the whole frame, 784 MB, to
    /// render it.
    static func hugeFrameGIF(to url: URL) throws -> URL {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
        var bytes = Array("GIF89a".utf8) + le16(14000) + le16(14000) + [0x80, 0, 0] + [0, 0, 0, 255, 255, 255]
        bytes += [0x2C] + le16(0) + le16(0) + le16(14000) + le16(14000) + [0x00]
        bytes += [0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]  // LZW: clear, one pixel, end
        try Data(bytes).write(to: url)
        return url
    }

    /// A TIFF whose directory holds `unknownTags` private text tags whose values lie past the end
    /// of the file (libtiff reports a bad seek for each, every time the directory is read) and
    /// whose only strip does too: a failure with a long tail of messages, as real damaged
    /// scanner files give.
    static func warningTIFF(unknownTags: Int, to url: URL) throws -> URL {
        var entries: [(tag: UInt16, type: UInt16, count: UInt32, value: UInt32)] = [
            (256, 3, 1, 64), (257, 3, 1, 64), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
            (273, 4, 1, 1_000_000), (277, 3, 1, 1), (278, 3, 1, 64), (279, 4, 1, 4096),
        ]
        for index in 0..<unknownTags { entries.append((UInt16(40_000 + index), 2, 100, 9_000_000)) }
        entries.sort { $0.tag < $1.tag }
        var bytes: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        func le(_ value: UInt32, _ width: Int) -> [UInt8] { (0..<width).map { UInt8((value >> (8 * UInt32($0))) & 0xff) } }
        bytes += le(UInt32(entries.count), 2)
        for entry in entries {
            bytes += le(UInt32(entry.tag), 2) + le(UInt32(entry.type), 2) + le(entry.count, 4) + le(entry.value, 4)
        }
        bytes += le(0, 4)
        try Data(bytes).write(to: url)
        return url
    }

    /// Runs blocking work (a media request that may take seconds) on its own thread, so tests
    /// running in parallel keep the cooperative pool's few threads.
    static func offPool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Process ids of the children of `pid` (the media workers of a `stockroom` subprocess).
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid ? child : nil
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finding byte strings in untrusted files without decoding them (PDF trailers, XMP packets,
/// PostScript comments).
enum ByteSearch {
    /// Offset of the first `needle` in `haystack[range]` (offsets from `startIndex`), or nil.
    static func first(_ needle: [UInt8], in haystack: Data, from start: Int = 0, to end: Int? = nil) -> Int? {
        let end = min(end ?? haystack.count, haystack.count)
        guard !needle.isEmpty, start >= 0, start < end, end - start >= needle.count else { return nil }
        return haystack.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
            guard let base = raw.baseAddress else { return nil }
            return needle.withUnsafeBytes { pattern -> Int? in
                let first = Int32(needle[0])
                let last = end - needle.count
                var position = start
                // memchr finds each candidate first byte; memcmp checks the rest.
                while position <= last {
                    guard let hit = memchr(base + position, first, last - position + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, pattern.baseAddress!, needle.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }

    static func first(_ needle: String, in haystack: Data, from start: Int = 0, to end: Int? = nil) -> Int? {
        first(Array(needle.utf8), in: haystack, from: start, to: end)
    }

    /// Every offset of `needle`, at most `limit` of them.
    static func all(_ needle: String, in haystack: Data, from start: Int = 0, to end: Int? = nil, limit: Int = 10_000) -> [Int] {
        var offsets: [Int] = []
        var position = start
        let bytes = Array(needle.utf8)
        while offsets.count < limit, let found = first(bytes, in: haystack, from: position, to: end) {
            offsets.append(found)
            position = found + bytes.count
        }
        return offsets
    }
}

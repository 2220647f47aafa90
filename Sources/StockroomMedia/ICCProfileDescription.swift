import Foundation

/// Reads the human-readable name ('desc' tag) of an ICC profile: the ASCII 'desc' type of ICC v2
/// or the UTF-16 'mluc' type of ICC v4.
enum ICCProfileDescription {
    static func read(_ profile: Data) -> String? {
        let bytes = [UInt8](profile)
        guard bytes.count >= 132, let tagCount = be32(bytes, 128) else { return nil }
        var entry = 132
        for _ in 0..<min(Int(tagCount), 1024) {
            guard entry + 12 <= bytes.count,
                  let signature = be32(bytes, entry),
                  let offset = be32(bytes, entry + 4),
                  let size = be32(bytes, entry + 8) else { return nil }
            entry += 12
            // 'desc'
            guard signature == 0x6465_7363 else { continue }
            let start = Int(offset)
            let end = start + Int(size)
            guard start >= 0, size >= 12, end <= bytes.count else { return nil }
            return decode(Array(bytes[start..<end]))
        }
        return nil
    }

    private static func decode(_ tag: [UInt8]) -> String? {
        guard let type = be32(tag, 0) else { return nil }
        switch type {
        case 0x6465_7363: // 'desc': count, then ASCII with a trailing NUL
            guard let count = be32(tag, 8), count > 0, 12 + Int(count) <= tag.count else { return nil }
            let ascii = tag[12..<(12 + Int(count))].prefix { $0 != 0 }
            return clean(String(decoding: ascii, as: UTF8.self))
        case 0x6D6C_7563: // 'mluc': records of language, country, length, offset (UTF-16BE)
            guard let records = be32(tag, 8), let recordSize = be32(tag, 12), records > 0, recordSize >= 12 else { return nil }
            var chosen: (length: Int, offset: Int)?
            for index in 0..<min(Int(records), 256) {
                let record = 16 + index * Int(recordSize)
                guard record + 12 <= tag.count, let length = be32(tag, record + 4), let offset = be32(tag, record + 8) else { break }
                let isEnglish = tag[record] == UInt8(ascii: "e") && tag[record + 1] == UInt8(ascii: "n")
                if chosen == nil || isEnglish {
                    chosen = (Int(length), Int(offset))
                    if isEnglish { break }
                }
            }
            guard let chosen, chosen.offset + chosen.length <= tag.count else { return nil }
            var units: [UInt16] = []
            var index = chosen.offset
            while index + 1 < chosen.offset + chosen.length {
                units.append(UInt16(tag[index]) << 8 | UInt16(tag[index + 1]))
                index += 2
            }
            return clean(String(decoding: units, as: UTF16.self))
        default:
            return nil
        }
    }

    private static func clean(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func be32(_ bytes: [UInt8], _ offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

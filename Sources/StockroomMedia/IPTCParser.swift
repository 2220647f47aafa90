import Foundation

/// Reads IPTC-IIM application records (2:xx) from the block libvips exposes as "iptc-data": a
/// Photoshop image resource block (JPEG APP13, resource 0x0404) or bare IIM (TIFF).
enum IPTCParser {
    static func parse(_ block: Data) -> IPTCInfo? {
        let bytes = [UInt8](block)
        guard let iim = iimRecords(in: bytes) else { return nil }
        let datasets = datasets(in: iim)
        // 1:90 "ESC % G" declares UTF-8; otherwise writers used Latin-1 or (mostly) UTF-8 anyway.
        let declaredUTF8 = datasets.contains { $0.record == 1 && $0.number == 90 && $0.value == [0x1B, 0x25, 0x47] }
        func text(_ value: [UInt8]) -> String? {
            let decoded = (declaredUTF8 ? String(validating: value, as: UTF8.self) : nil)
                ?? String(validating: value, as: UTF8.self)
                ?? String(bytes: value, encoding: .isoLatin1)
            let trimmed = decoded?.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
            return trimmed?.isEmpty == false ? trimmed : nil
        }
        var info = IPTCInfo()
        for dataset in datasets where dataset.record == 2 {
            guard let value = text(dataset.value) else { continue }
            switch dataset.number {
            case 25: if !info.keywords.contains(value) { info.keywords.append(value) }
            case 80: info.byline = info.byline.map { "\($0); \(value)" } ?? value
            case 116: info.copyrightNotice = info.copyrightNotice ?? value
            case 120: info.caption = info.caption ?? value
            case 5: info.objectName = info.objectName ?? value
            default: break
            }
        }
        return info == IPTCInfo() ? nil : info
    }

    private struct Dataset {
        var record: UInt8
        var number: UInt8
        var value: [UInt8]
    }

    /// The IIM bytes: inside Photoshop resource 0x0404, or the block itself.
    private static func iimRecords(in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var position = 0
        let photoshop = Array("Photoshop 3.0".utf8) + [0]
        if bytes.starts(with: photoshop) { position = photoshop.count }
        if bytes.count > position + 4, Array(bytes[position..<(position + 4)]) == Array("8BIM".utf8) {
            while position + 12 <= bytes.count, Array(bytes[position..<(position + 4)]) == Array("8BIM".utf8) {
                let identifier = Int(bytes[position + 4]) << 8 | Int(bytes[position + 5])
                // Pascal name padded to an even length, then a 32-bit size, data padded to even.
                let nameLength = Int(bytes[position + 6])
                var cursor = position + 6 + ((nameLength + 2) & ~1)
                guard cursor + 4 <= bytes.count else { return nil }
                let size = Int(bytes[cursor]) << 24 | Int(bytes[cursor + 1]) << 16 | Int(bytes[cursor + 2]) << 8 | Int(bytes[cursor + 3])
                cursor += 4
                guard size >= 0, cursor + size <= bytes.count else { return nil }
                if identifier == 0x0404 { return bytes[cursor..<(cursor + size)] }
                position = cursor + ((size + 1) & ~1)
            }
            return nil
        }
        return bytes.first == 0x1C ? bytes[...] : nil
    }

    private static func datasets(in iim: ArraySlice<UInt8>) -> [Dataset] {
        var result: [Dataset] = []
        var position = iim.startIndex
        while position + 5 <= iim.endIndex, iim[position] == 0x1C {
            let record = iim[position + 1]
            let number = iim[position + 2]
            var length = Int(iim[position + 3]) << 8 | Int(iim[position + 4])
            position += 5
            if length & 0x8000 != 0 {
                // Extended dataset: the low bits give how many bytes hold the length.
                let lengthBytes = length & 0x7FFF
                guard lengthBytes <= 4, position + lengthBytes <= iim.endIndex else { break }
                length = 0
                for _ in 0..<lengthBytes {
                    length = length << 8 | Int(iim[position])
                    position += 1
                }
            }
            guard length >= 0, position + length <= iim.endIndex else { break }
            result.append(Dataset(record: record, number: number, value: Array(iim[position..<(position + length)])))
            position += length
        }
        return result
    }
}

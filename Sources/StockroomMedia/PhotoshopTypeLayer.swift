import Foundation

/// The text and fonts of a Photoshop type layer ('TySh' block), found by their markers rather
/// than by walking the whole action descriptor: the 'Txt ' item of type TEXT holds the layer's
/// string, and the EngineData's /FontSet lists the fonts as PostScript strings.
enum PhotoshopTypeLayer {
    static let maxTextUnits = 1 << 20

    static func read(_ data: Data) -> (contents: String?, fonts: [String]) {
        (contents(data), fonts(data))
    }

    private static func contents(_ data: Data) -> String? {
        guard let marker = ByteSearch.first("Txt TEXT", in: data) else { return nil }
        var reader = ByteReader(data, label: "PSD type layer")
        guard (try? reader.seek(to: marker + 8, "text")) != nil,
              let text = try? PhotoshopReader.unicodeString(&reader, "text") else { return nil }
        // Photoshop separates paragraphs with carriage returns.
        return text.replacingOccurrences(of: "\r", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func fonts(_ data: Data) -> [String] {
        guard let set = ByteSearch.first("/FontSet", in: data) else { return [] }
        let end = ByteSearch.first("]", in: data, from: set) ?? data.count
        var names: [String] = []
        var position = set
        while names.count < 64, let found = ByteSearch.first("/Name (", in: data, from: position, to: end) {
            var index = found + 7
            var bytes: [UInt8] = []
            while index < end, bytes.count < 1024 {
                let byte = data[data.startIndex + index]
                if byte == 0x5C, index + 1 < end {  // backslash escapes the next byte
                    bytes.append(data[data.startIndex + index + 1])
                    index += 2
                    continue
                }
                if byte == 0x29 { break }  // ")"
                bytes.append(byte)
                index += 1
            }
            position = index + 1
            let name = decode(bytes).trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
            if !name.isEmpty, name != "AdobeInvisFont", !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// UTF-16BE after a FE FF mark, else Latin-1.
    private static func decode(_ bytes: [UInt8]) -> String {
        guard bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF else {
            return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        }
        var units: [UInt16] = []
        var index = 2
        while index + 1 < bytes.count {
            units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}

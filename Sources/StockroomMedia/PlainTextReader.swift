import Foundation

/// Recognises plain text and Markdown by content and decodes it: a byte-order mark, else
/// UTF-16 by the pattern of its zero bytes, else valid UTF-8, else Windows-1252 (ISO 8859-1 when
/// no byte falls in 0x80–0x9F) when the bytes are mostly printable ASCII. Delimited data (CSV,
/// TSV) is not copy and is refused. A pure function: bytes in, a text or nil out (the entry point
/// for fuzzing).
enum PlainTextReader {
    struct Text: Equatable {
        var encoding: String
        var isMarkdown: Bool
        var text: String
        var title: String?
    }

    enum Verdict: Equatable {
        case text(Text)
        case notText
        /// Text, but data rather than copy.
        case delimitedData
    }

    static func read(_ bytes: Data) -> Verdict {
        guard !bytes.isEmpty else { return .notText }
        guard let (encoding, text) = decode(bytes), isPlausible(text) else { return .notText }
        if looksDelimited(text) { return .delimitedData }
        let markdown = looksLikeMarkdown(text)
        return .text(Text(encoding: encoding, isMarkdown: markdown, text: text, title: title(text, markdown: markdown)))
    }

    private static func decode(_ bytes: Data) -> (String, String)? {
        let head = [UInt8](bytes.prefix(4))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            return ("utf-8", String(decoding: bytes.dropFirst(3), as: UTF8.self))
        }
        if head.starts(with: [0xFF, 0xFE]) && !head.starts(with: [0xFF, 0xFE, 0, 0]) {
            return ("utf-16le", utf16(bytes.dropFirst(2), bigEndian: false))
        }
        if head.starts(with: [0xFE, 0xFF]) {
            return ("utf-16be", utf16(bytes.dropFirst(2), bigEndian: true))
        }
        let sample = bytes.prefix(8192)
        if sample.contains(0) {
            // ASCII-range text in UTF-16 has a zero in every other byte.
            var evenZeros = 0
            var oddZeros = 0
            for (offset, byte) in sample.enumerated() where byte == 0 {
                if offset % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            let pairs = max(1, sample.count / 2)
            if evenZeros * 10 >= pairs * 4, oddZeros * 20 < pairs { return ("utf-16be", utf16(bytes, bigEndian: true)) }
            if oddZeros * 10 >= pairs * 4, evenZeros * 20 < pairs { return ("utf-16le", utf16(bytes, bigEndian: false)) }
            return nil
        }
        if let utf8 = validUTF8(bytes) { return ("utf-8", utf8) }
        // A single-byte legacy encoding, only for mostly-ASCII text.
        var printable = 0
        var windowsOnly = false
        for byte in sample {
            if (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D { printable += 1 }
            if (0x80...0x9F).contains(byte) { windowsOnly = true }
        }
        guard printable * 100 >= sample.count * 85 else { return nil }
        guard let text = String(data: bytes, encoding: .windowsCP1252) ?? String(data: bytes, encoding: .isoLatin1) else { return nil }
        return (windowsOnly ? "windows-1252" : "iso-8859-1", text)
    }

    /// Valid UTF-8, allowing only a sequence cut at the very end (a read limit can cut one).
    private static func validUTF8(_ bytes: Data) -> String? {
        var trimmed = bytes
        for cut in 0...3 where cut < bytes.count {
            let candidate = bytes.dropLast(cut)
            if String(validating: candidate, as: UTF8.self) != nil {
                trimmed = candidate
                return String(decoding: trimmed, as: UTF8.self)
            }
        }
        return nil
    }

    private static func utf16(_ bytes: Data, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Few control characters or replacement characters, and some letters.
    private static func isPlausible(_ text: String) -> Bool {
        var total = 0
        var suspicious = 0
        var letters = 0
        for scalar in text.unicodeScalars.prefix(100_000) {
            total += 1
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D: continue
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFD: suspicious += 1
            default: if scalar.properties.isAlphabetic { letters += 1 }
            }
        }
        return total > 0 && letters > 0 && suspicious * 100 <= total
    }

    /// Every line (at least two) splits into the same number (two or more) of fields on one
    /// delimiter, and the fields are largely numbers, or the delimiter is a tab.
    private static func looksDelimited(_ text: String) -> Bool {
        let lines = text.split(whereSeparator: \.isNewline).prefix(50).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard lines.count >= 2 else { return false }
        for delimiter: Character in [",", ";", "\t"] {
            let counts = lines.map { $0.filter { $0 == delimiter }.count }
            guard let first = counts.first, first >= 1, counts.allSatisfy({ $0 == first }) else { continue }
            if delimiter == "\t" { return true }
            let fields = lines.flatMap { $0.split(separator: delimiter, omittingEmptySubsequences: false) }
            let numeric = fields.filter { Double($0.trimmingCharacters(in: .whitespaces)) != nil }.count
            if numeric * 10 >= fields.count * 3 { return true }
        }
        return false
    }

    /// Two kinds of Markdown syntax, or one heading plus one more: "# ", lists, quotes, fences,
    /// links, emphasis, tables.
    static func looksLikeMarkdown(_ text: String) -> Bool {
        var features = Set<String>()
        for line in text.split(whereSeparator: \.isNewline).prefix(500) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("#") && trimmed.drop(while: { $0 == "#" }).first == " " { features.insert("heading") }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ") { features.insert("list") }
            if let dot = trimmed.firstIndex(of: "."), trimmed[..<dot].allSatisfy(\.isNumber), !trimmed[..<dot].isEmpty,
               trimmed[trimmed.index(after: dot)...].first == " " { features.insert("ordered") }
            if trimmed.hasPrefix("> ") { features.insert("quote") }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { features.insert("fence") }
            if trimmed.hasPrefix("|") && trimmed.contains("---") { features.insert("table") }
            if line.contains("](") { features.insert("link") }
            if line.contains("**") || line.contains("__") { features.insert("emphasis") }
            if line.allSatisfy({ $0 == "=" }) && line.count >= 3 { features.insert("heading") }
        }
        return features.count >= 2
    }

    /// Markdown: the first heading. Text: the first line, if it is short enough to be a title.
    private static func title(_ text: String, markdown: Bool) -> String? {
        let lines = text.split(whereSeparator: \.isNewline).prefix(200).map { $0.trimmingCharacters(in: .whitespaces) }
        if markdown {
            for (index, line) in lines.enumerated() {
                if line.hasPrefix("#") {
                    let heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                    if !heading.isEmpty { return heading }
                }
                if index + 1 < lines.count, !line.isEmpty, lines[index + 1].count >= 3,
                   lines[index + 1].allSatisfy({ $0 == "=" }) { return line }
            }
        }
        guard let first = lines.first(where: { !$0.isEmpty }), first.count <= 100 else { return nil }
        return first
    }
}

import Foundation

/// Encapsulated PostScript (and Illustrator files before version 9, which are PostScript):
/// the document structuring comments (%%Title, %%Creator, %%CreationDate, %%BoundingBox) and,
/// in a DOS EPS binary file, the TIFF preview a layout program embeds. The PostScript itself is
/// never interpreted: there is no Ghostscript near untrusted input. A pure function over bytes.
enum PostScriptReader {
    struct Document: Equatable {
        var title: String?
        var creator: String?
        var creationDate: String?
        /// llx, lly, urx, ury in points.
        var boundingBox: [Double]?
        var isIllustrator = false
        /// A TIFF preview from the DOS EPS header, if there is one.
        var tiffPreview: Data?
        var hasWMFPreview = false
    }

    static let dosSignature: [UInt8] = [0xC5, 0xD0, 0xD3, 0xC6]

    static func isPostScript(_ head: Data) -> Bool {
        head.starts(with: Array("%!PS".utf8)) || head.starts(with: dosSignature)
    }

    static func read(_ bytes: Data) throws(MediaError) -> Document {
        var document = Document()
        var postScript = bytes
        if bytes.starts(with: dosSignature) {
            // DOS EPS header: PostScript offset/length, WMF offset/length, TIFF offset/length (little-endian).
            guard bytes.count >= 30 else { throw .corrupt("EPS: truncated DOS EPS header") }
            func field(_ at: Int) -> Int {
                let base = bytes.startIndex + at
                return Int(bytes[base]) | Int(bytes[base + 1]) << 8 | Int(bytes[base + 2]) << 16 | Int(bytes[base + 3]) << 24
            }
            let psStart = field(4), psLength = field(8), wmfLength = field(16), tiffStart = field(20), tiffLength = field(24)
            guard psStart >= 30, psLength > 0, psStart <= bytes.count, psLength <= bytes.count - psStart else {
                throw .corrupt("EPS: the PostScript section lies outside the file")
            }
            postScript = bytes.subdata(in: (bytes.startIndex + psStart)..<(bytes.startIndex + psStart + psLength))
            document.hasWMFPreview = wmfLength > 0
            if tiffLength > 0 {
                guard tiffStart >= 30, tiffStart <= bytes.count, tiffLength <= bytes.count - tiffStart else {
                    throw .corrupt("EPS: the TIFF preview lies outside the file")
                }
                document.tiffPreview = bytes.subdata(in: (bytes.startIndex + tiffStart)..<(bytes.startIndex + tiffStart + tiffLength))
            }
        }
        guard postScript.starts(with: Array("%!PS".utf8)) else { throw .corrupt("EPS: no %!PS header") }
        // The header comments end at %%EndComments or the first line that is not a comment.
        let header = String(decoding: postScript.prefix(64 << 10), as: UTF8.self)
        for line in header.split(whereSeparator: \.isNewline).prefix(400) {
            guard line.hasPrefix("%") else { break }
            if line.hasPrefix("%%EndComments") { break }
            func value(_ key: String) -> String? {
                guard line.hasPrefix(key) else { return nil }
                return unparenthesised(String(line.dropFirst(key.count)))
            }
            if let title = value("%%Title:") { document.title = title }
            if let creator = value("%%Creator:") { document.creator = creator }
            if let date = value("%%CreationDate:") { document.creationDate = date }
            if let box = value("%%BoundingBox:") {
                let numbers = box.split(separator: " ").compactMap { Double($0) }
                if numbers.count == 4, numbers.allSatisfy(\.isFinite), numbers[2] > numbers[0], numbers[3] > numbers[1] {
                    document.boundingBox = numbers
                }
            }
            if line.hasPrefix("%%AI") || line.hasPrefix("%AI") { document.isIllustrator = true }
        }
        document.isIllustrator = document.isIllustrator || (document.creator?.contains("Illustrator") ?? false)
        return document
    }

    private static func unparenthesised(_ text: String) -> String? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("("), value.hasSuffix(")") { value = String(value.dropFirst().dropLast()) }
        return value.isEmpty || value == "(atend)" ? nil : String(value.prefix(500))
    }
}

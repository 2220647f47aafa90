import Foundation

/// The words of a document as plain text, for the full-text index.
public struct TextExtract: Sendable, Codable, Equatable {
    /// Paragraphs separated by newlines, at most `DocumentLimits.maxTextExtractBytes` of UTF-8.
    public var text: String
    /// The document had more text than was kept.
    public var truncated: Bool

    public init(text: String, truncated: Bool) {
        self.text = text
        self.truncated = truncated
    }

    /// Cuts `text` to at most `limit` bytes of UTF-8 on a character boundary.
    public static func bounded(_ text: String, limit: Int) -> TextExtract {
        let utf8 = text.utf8
        guard utf8.count > limit else { return TextExtract(text: text, truncated: false) }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, limit))
        // Step back to the start of a scalar: continuation bytes are 0b10xxxxxx.
        while end > utf8.startIndex, (utf8[end] & 0xC0) == 0x80 { end = utf8.index(before: end) }
        return TextExtract(text: String(decoding: utf8[utf8.startIndex..<end], as: UTF8.self), truncated: true)
    }
}

import Foundation

/// Words, characters and lines of extracted text, counted the same way for every format.
/// A word is a run of non-space characters holding at least one letter or digit; in scripts
/// written without spaces (Han, Hiragana, Katakana, Thai…) each character counts as a word, as
/// word processors count them. Characters include spaces and exclude line breaks.
struct TextStatistics: Equatable {
    var words = 0
    var characters = 0
    var lines = 0

    private var inWord = false
    private var wordHasAlphanumeric = false
    private var lineHasContent = false

    mutating func add(_ text: String) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x0A || value == 0x0D || value == 0x0C || value == 0x2028 || value == 0x2029 {
                endWord()
                if value != 0x0D { endLine() }
                continue
            }
            characters += 1
            lineHasContent = true
            if scalar.properties.isWhitespace {
                endWord()
            } else if Self.isWrittenWithoutSpaces(value) {
                endWord()
                words += 1
            } else {
                inWord = true
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { wordHasAlphanumeric = true }
            }
        }
    }

    /// Closes the last word and line (call once at the end).
    mutating func finish() {
        endWord()
        endLine()
    }

    private mutating func endWord() {
        if inWord && wordHasAlphanumeric { words += 1 }
        inWord = false
        wordHasAlphanumeric = false
    }

    private mutating func endLine() {
        if lineHasContent { lines += 1 }
        lineHasContent = false
    }

    private static func isWrittenWithoutSpaces(_ value: UInt32) -> Bool {
        switch value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F, 0x0E00...0x0E7F:
            return true
        default:
            return false
        }
    }

    static func of(_ text: String) -> TextStatistics {
        var statistics = TextStatistics()
        statistics.add(text)
        statistics.finish()
        return statistics
    }
}

/// Text kept for the index while a reader goes through a document: everything up to the byte
/// limit, and the statistics of all of it.
struct TextCollector {
    let limit: Int
    private(set) var statistics = TextStatistics()
    private var kept = ""
    private var keptBytes = 0
    private(set) var truncated = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds a paragraph (a newline is put between paragraphs).
    mutating func add(paragraph text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        statistics.add(trimmed)
        statistics.add("\n")
        guard !truncated else { return }
        let piece = keptBytes == 0 ? trimmed : "\n" + trimmed
        if keptBytes + piece.utf8.count <= limit {
            kept += piece
            keptBytes += piece.utf8.count
        } else {
            let bounded = TextExtract.bounded(piece, limit: limit - keptBytes)
            kept += bounded.text
            keptBytes = limit
            truncated = true
        }
    }

    /// Marks that the reader stopped before the end of the document.
    mutating func markTruncated() { truncated = true }

    var isFull: Bool { truncated && keptBytes >= limit }

    func extract() -> TextExtract? {
        kept.isEmpty ? nil : TextExtract(text: kept, truncated: truncated)
    }

    var finishedStatistics: TextStatistics {
        var copy = statistics
        copy.finish()
        return copy
    }
}

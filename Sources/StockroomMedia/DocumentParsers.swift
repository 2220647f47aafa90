import Foundation

/// Stockroom's own parsers of untrusted bytes, as one public entry point for fuzz harnesses and
/// replay tools (Fuzz/DocumentParsers). Each parser is a pure function: bytes in, a value or a
/// thrown `MediaError` out; a thrown error is an expected outcome, anything else (a trap, a
/// hang, a sanitizer report) is a bug.
public enum DocumentParsers {
    public enum Parser: String, CaseIterable, Sendable {
        case photoshop, office, font, plainText, svg, pdfStructure, postScript
    }

    /// Limits for fuzzing: Stockroom's, with a 16-megapixel canvas so a harness spends its memory
    /// on finding bugs rather than on honest large allocations.
    public static let fuzzingPixelLimit = 16 << 20

    /// Runs `bytes` through one parser; true when it accepted them.
    @discardableResult
    public static func run(_ parser: Parser, _ bytes: Data) -> Bool {
        let limits = DocumentLimits()
        let deadline = Deadline(seconds: 10)
        do throws(MediaError) {
            switch parser {
            case .photoshop:
                let document = try PhotoshopReader.read(bytes, limits: limits, maxPixels: fuzzingPixelLimit)
                _ = try PhotoshopComposite.decode(document, bytes: bytes, shrink: 4, deadline: deadline)
            case .office:
                _ = try OfficeReader.read(bytes, limits: limits, deadline: deadline)
            case .font:
                let info = try FontDescriber.describe(bytes, limits: limits)
                _ = try FontSpecimen.render(bytes, info: info, deadline: deadline)
            case .plainText:
                return PlainTextReader.read(bytes) != .notText
            case .svg:
                _ = try SVGInspection.inspect(bytes)
            case .pdfStructure:
                return PDFStructureScan.scan(bytes).version != nil
            case .postScript:
                _ = try PostScriptReader.read(bytes)
            }
            return true
        } catch {
            return false
        }
    }

    /// Runs `bytes` through every parser; returns the parsers that accepted them.
    @discardableResult
    public static func runAll(_ bytes: Data) -> [Parser] {
        Parser.allCases.filter { run($0, bytes) }
    }
}

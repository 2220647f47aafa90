import Foundation

/// Stockroom's own parsers of untrusted bytes (documents, and the embedded-metadata parsers of
/// images), as one public entry point for the fuzz harness and replay tool (Fuzz/DocumentParsers). Each parser is a pure function: bytes in, a value or a
/// thrown `MediaError` out; a thrown error is an expected outcome, anything else (a trap, a
/// hang, a sanitizer report) is a bug.
public enum DocumentParsers {
    /// Stockroom's own parsers, then the C libraries the engine hands documents to: poppler
    /// (`pdf`: information, text and fonts of the first pages, page 1 rendered small) and librsvg
    /// (`svgRaster`: the drawing rasterized small from memory). FreeType runs under `font`. Then
    /// the parsers of metadata blocks cut out of images: EXIF through libexif and `ExifReader`
    /// (typed fields, GPS, dates, the Canon maker-note ISO), XMP packets, IPTC-IIM, ICC
    /// `desc`/`mluc`, GIF screen and frame descriptors. New cases go last: a case's index is its
    /// selector byte in the fuzz corpus.
    public enum Parser: String, CaseIterable, Sendable {
        case photoshop, office, font, plainText, svg, pdfStructure, postScript, pdf, svgRaster
        case exif, xmp, iptc, iccProfile, gifCanvas
    }

    /// libvips started and the PDF and SVG loaders unblocked, as an engine does.
    private static let engine: LibMediaEngine? = try? LibMediaEngine()

    /// Limits for fuzzing: Stockroom's, with a 16-megapixel canvas so a harness spends its memory
    /// on finding bugs rather than on honest large allocations.
    public static let fuzzingPixelLimit = 16 << 20

    /// Runs `bytes` through one parser; true when it accepted them. `seconds` bounds the work
    /// (the fuzzer wants slow inputs reported as refused; tests on a loaded sanitizer build give
    /// honest files more time).
    @discardableResult
    public static func run(_ parser: Parser, _ bytes: Data, seconds: Double = 10) -> Bool {
        let limits = DocumentLimits()
        let deadline = Deadline(seconds: seconds)
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
            case .pdf:
                guard engine != nil, bytes.starts(with: Array("%PDF".utf8)) || ByteSearch.first("%PDF-", in: bytes, to: min(bytes.count, 1024)) != nil else {
                    return false
                }
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockroom-pdf-\(UUID().uuidString).pdf")
                do { try bytes.write(to: file) } catch { return false }
                defer { try? FileManager.default.removeItem(at: file) }
                guard case let .success(pdf) = PopplerDocument.open(path: file.path) else { return false }
                _ = (pdf.title, pdf.author, pdf.keywords, pdf.creator, pdf.metadata, pdf.createdAt)
                for page in 0..<min(pdf.pageCount, 3) { _ = (pdf.pageSize(page), pdf.text(ofPage: page)) }
                _ = pdf.fontNames(scanningPages: 3)
                if pdf.pageCount > 0 {
                    _ = try PDFMedia.pageImage(0, path: file.path, scale: 0.25,
                                               configuration: MediaEngineConfiguration(maxPixels: fuzzingPixelLimit), deadline: deadline)
                }
            case .svgRaster:
                guard engine != nil else { return false }
                _ = try SVGInspection.inspect(bytes)
                _ = try SVGBuffer(bytes).raster(scale: 0.5, maxPixels: fuzzingPixelLimit, deadline: deadline)
            case .exif:
                return ExifReader.read(bytes) != nil
            case .xmp:
                return XMPPacketParser.parse(bytes) != nil
            case .iptc:
                return IPTCParser.parse(bytes) != nil
            case .iccProfile:
                return ICCProfileDescription.read(bytes) != nil
            case .gifCanvas:
                return GIFCanvas.read(bytes) != nil
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

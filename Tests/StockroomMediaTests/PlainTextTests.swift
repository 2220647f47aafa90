import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Plain text, Markdown and EPS")
struct PlainTextTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test("encodings", arguments: ["copy-utf8.txt", "copy-utf16le.txt", "copy-utf16be.txt", "copy-latin1.txt", "copy-cp1252.txt"])
    func encodings(file: String) throws {
        let expected = try DocumentFixtures.expected(file)
        let description = try probe.describe(file)
        #expect(description.kind == .document)
        #expect(description.format == "text" && description.mimeType == "text/plain")
        let document = try #require(description.document)
        #expect(document.textEncoding == expected["encoding"] as? String)
        #expect(document.wordCount == expectedInt(expected, "words"))
        #expect(document.title == expected["title"] as? String)
        if let lines = expectedInt(expected, "lines") { #expect(document.lineCount == lines) }
        if file != "copy-cp1252.txt" {
            #expect(description.textExtract?.text.contains("Café crème for everyone") == true, "\(file)")
        }
    }

    @Test func markdownIsRecognisedByItsSyntaxAndTitledByItsHeading() throws {
        let description = try probe.describe("launch-notes.md")
        #expect(description.format == "markdown")
        #expect(description.mimeType == "text/markdown")
        #expect(description.document?.title == "Launch notes")
        let card = try probe.image("launch-notes.md", DocumentProbe.thumb)
        let ink = try card.inkCoverage(dark: 100)
        #expect(ink.minimum < 80 && ink.darkShare > 0.001 && ink.darkShare < 0.2, "\(ink)")
    }

    @Test func dataAndBinaryAreRefused() throws {
        guard case let .unsupportedFormat(csv) = try #require(try probe.failure("numbers.csv")) else {
            Issue.record("CSV accepted")
            return
        }
        #expect(csv.contains("CSV"))
        guard case .unsupportedFormat = try #require(try probe.failure("noise.bin")) else {
            Issue.record("noise accepted")
            return
        }
        #expect(PlainTextReader.read(Data("P6\n4 4\n255\n".utf8) + Data(repeating: 200, count: 48)) == .notText)
        #expect(PlainTextReader.read(Data([0xFF, 0xFE, 0, 0, 0x41, 0, 0, 0])) == .notText)
    }

    @Test func textExtractIsBoundedOnACharacterBoundary() {
        let extract = TextExtract.bounded("ééééé", limit: 5)
        #expect(extract.text == "éé")
        #expect(extract.truncated)
        #expect(TextStatistics.of("Ein Haus, zwei Häuser — 3 Türen\n漢字テスト").words == 6 + 5)
    }

    @Test func epsCommentsAndItsTIFFPreview() throws {
        let description = try probe.describe("preview.eps")
        #expect(description.kind == .design && description.format == "eps")
        #expect(description.design?.title == "Northwind stamp")
        #expect(description.design?.width == 240 && description.design?.height == 160)
        #expect(description.design?.hasThumbnail == true)
        let image = try probe.image("preview.eps", DocumentProbe.thumb)
        let left = try image.bandMeans(width: 0.4)
        #expect(left[2] > left[0] + 80, "blue half: \(left)")
    }

    @Test func epsWithoutAPreviewIsCataloguedWithoutRenditions() throws {
        #expect(try probe.describe("no-preview.eps").design?.title == "Bare PostScript")
        let outcomes = try probe.render("no-preview.eps", [DocumentProbe.thumb])
        guard case let .failed(_, reason) = try #require(outcomes.first) else {
            Issue.record("PostScript was rendered")
            return
        }
        #expect(reason.contains("no Ghostscript"))
    }
}

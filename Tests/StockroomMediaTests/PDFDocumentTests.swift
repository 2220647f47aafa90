import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("PDF and Illustrator documents")
struct PDFDocumentTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test func reportIsDescribedWithItsPagesWordsFontsAndText() throws {
        let expected = try DocumentFixtures.expected("report.pdf")
        let description = try probe.describe("report.pdf")
        #expect(description.kind == .document)
        #expect(description.format == "pdf")
        #expect(description.mimeType == "application/pdf")
        let document = try #require(description.document)
        #expect(document.pageCount == 12)
        #expect(document.title == "Annual brand report 2024")
        #expect(document.author == "Ana Ribeiro")
        #expect(document.subject == "How the brand did in 2024")
        #expect(document.keywords == ["report", "brand", "2024"])
        #expect(document.creatorTool == "Stockroom fixtures")
        #expect(document.wordCount == expectedInt(expected, "words"))
        #expect(abs((document.pageWidth ?? 0) - 595.276) < 0.01 && abs((document.pageHeight ?? 0) - 841.89) < 0.01)
        #expect(document.encrypted == false && document.contentReadable)
        #expect(document.fonts.contains { $0.hasPrefix("DejaVuSans") }, "\(document.fonts)")
        let extract = try #require(description.textExtract)
        #expect(extract.text.contains("The summer sale starts on the first of June"))
        #expect(extract.text.contains("Chapter 12"))
        #expect(!extract.truncated)
    }

    @Test func textStopsAtThePageLimitAndSaysSo() throws {
        let strict = try DocumentProbe(MediaEngineConfiguration(documentLimits: DocumentLimits(maxTextPages: 2, maxTextExtractBytes: 300)))
        let document = try #require(try strict.describe("report.pdf").document)
        let extract = try #require(try strict.describe("report.pdf").textExtract)
        #expect(document.textTruncated)
        #expect(extract.truncated)
        #expect(extract.text.utf8.count <= 300)
        #expect(!extract.text.contains("Chapter 3"))
        #expect((document.wordCount ?? 0) < (expectedInt(try DocumentFixtures.expected("report.pdf"), "words") ?? 0) / 4)
    }

    @Test func firstPageIsTheVisualAndPreviewIsASheetOfFourPages() throws {
        let thumb = try probe.image("report.pdf", DocumentProbe.thumb)
        // A4 portrait, the blue band across the top of page 1, paper below.
        #expect(thumb.height == 300 && thumb.width == 212)
        let band = try thumb.bandMeans(y: 0, height: 0.04)
        #expect(band[2] > band[0] + 40, "band \(band)")
        let paper = try thumb.bandMeans(y: 0.8, height: 0.1)
        #expect(paper.allSatisfy { $0 > 200 }, "paper \(paper)")

        var sheetRecipe = DocumentProbe.preview
        sheetRecipe.pages = 4
        let sheet = try probe.image("report.pdf", sheetRecipe)
        // 2 × 2 portrait pages: taller than wide, at most the recipe's box, each quarter a page
        // with its own blue band.
        #expect(sheet.height <= 1600 && sheet.height > sheet.width)
        for (x, y) in [(0.05, 0.02), (0.55, 0.02), (0.05, 0.52), (0.55, 0.52)] {
            let band = try sheet.bandMeans(x: x, y: y, width: 0.4, height: 0.015)
            #expect(band[2] > band[0] + 40, "page band at \(x),\(y): \(band)")
        }
    }

    @Test func aSixteenByNineDeckAndTheBriefKeepTheirTitlesAndShapes() throws {
        let deck = try #require(try probe.describe("deck.pdf").document)
        #expect(deck.pageCount == 3)
        #expect(deck.pageWidth == 960 && deck.pageHeight == 540)
        #expect(deck.title == "Quarterly review")
        #expect(deck.wordCount == expectedInt(try DocumentFixtures.expected("deck.pdf"), "words"))
        var strip = DocumentProbe.preview
        strip.pages = 4
        // Three pages: one row, three times as wide as one 16:9 page is tall… roughly.
        let sheet = try probe.image("deck.pdf", strip)
        #expect(sheet.width == 1600)
        #expect(Double(sheet.width) / Double(sheet.height) > 4.5)
        let brief = try #require(try probe.describe("brief.pdf").document)
        #expect(brief.title == "Campaign brief — Autumn launch")
        #expect(brief.author == "Jonas Berg")
    }

    @Test func encryptedWithAPasswordIsCataloguedFromItsClearTextAndHasNoPreview() throws {
        let description = try probe.describe("encrypted.pdf")
        let document = try #require(description.document)
        #expect(document.encrypted)
        #expect(!document.contentReadable)
        #expect(document.pageCount == 2)
        #expect(document.title == "Partner pricing")
        #expect(document.author == "Finance team")
        #expect(document.keywords == ["pricing", "confidential"])
        #expect(description.textExtract == nil)
        let outcomes = try probe.render("encrypted.pdf", [DocumentProbe.thumb, DocumentProbe.preview])
        #expect(outcomes == [.failed(name: "THUMB", reason: "encrypted: no preview"), .failed(name: "PREVIEW", reason: "encrypted: no preview")])
    }

    @Test func ownerPasswordOnlyStillRendersAndIsMarkedEncrypted() throws {
        let document = try #require(try probe.describe("restricted.pdf").document)
        #expect(document.encrypted)
        #expect(document.contentReadable)
        #expect(document.title == "Restricted price list")
        let thumb = try probe.image("restricted.pdf", DocumentProbe.thumb)
        #expect(try thumb.inkCoverage().minimum < 100)
    }

    @Test func illustratorFileIsADesignWithArtboards() throws {
        let description = try probe.describe("mark.ai")
        #expect(description.kind == .design)
        #expect(description.format == "ai")
        let design = try #require(description.design)
        #expect(design.artboardCount == 2)
        #expect(design.width == 400 && design.height == 300)
        #expect(design.title == "Northwind mark")
        #expect(design.application?.contains("Illustrator") == true)
        let artboard = try probe.image("mark.ai", DocumentProbe.thumb)
        let centre = try artboard.bandMeans(x: 0.3, y: 0.3, width: 0.4, height: 0.4)
        #expect(centre[0] > centre[1] + 60, "the red artboard: \(centre)")
    }

    @Test func damagedPDFIsACorruptFile() throws {
        guard case .corrupt = try #require(try probe.failure("damaged.pdf")) else {
            Issue.record("damaged.pdf was not reported corrupt")
            return
        }
    }

    @Test("third-party PDFs", arguments: [
        ("documents/pdflatex-outline.pdf", 4, "Hello, here is some text without a meaning"),
        ("documents/pdflatex-image.pdf", 1, "Lorem ipsum dolor sit amet"),
        ("documents/cmyk-image.pdf", 1, nil),
    ] as [(String, Int, String?)])
    func corpus(path: String, pages: Int, phrase: String?) throws {
        let description = try probe.describe(path)
        let document = try #require(description.document)
        #expect(document.pageCount == pages)
        if let phrase {
            #expect(description.textExtract?.text.contains(phrase) == true)
            #expect((document.wordCount ?? 0) > 50)
        }
        let thumb = try probe.image(path, DocumentProbe.thumb)
        let statistics = try thumb.inkCoverage()
        #expect(statistics.minimum < 120 && statistics.maximum > 200, "\(path) rendered blank: \(statistics)")
    }

    @Test func outlineWordCountIsCloseToPdftotext() throws {
        // pdftotext | wc -w gives 1412 tokens, some of them bare punctuation or page numbers.
        let words = try #require(try probe.describe("documents/pdflatex-outline.pdf").document?.wordCount)
        #expect((1350...1412).contains(words), "\(words)")
    }

    @Test func structureScanIsAPureFunctionOverBytes() throws {
        let scan = PDFStructureScan.scan(try Data(contentsOf: try DocumentFixtures.file("encrypted.pdf")))
        #expect(scan.encrypted)
        #expect(scan.pageCount == 2)
        #expect(scan.version != nil)
        #expect(PDFStructureScan.scan(Data("%PDF-1.4 /EncryptMetadata false".utf8)).encrypted == false)
        #expect(PDFStructureScan.scan(Data()).version == nil)
    }
}

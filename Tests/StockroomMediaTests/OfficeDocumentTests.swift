import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Office and OpenDocument files")
struct OfficeDocumentTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test func wordDocumentPropertiesCountsFontsAndText() throws {
        let expected = try DocumentFixtures.expected("press-release.docx")
        let description = try probe.describe("press-release.docx")
        #expect(description.kind == .document)
        #expect(description.format == "docx")
        #expect(description.mimeType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        let document = try #require(description.document)
        #expect(document.title == "Press release: summer sale")
        #expect(document.author == "Ana Ribeiro")
        #expect(document.keywords == ["press", "summer"])
        #expect(document.pageCount == 1)
        #expect(document.wordCount == expectedInt(expected, "words"))
        #expect(document.fonts == ["Linux Libertine O", "DejaVu Sans"])
        #expect(document.createdAt == ISO8601DateFormatter().date(from: "2024-05-02T09:30:00Z"))
        #expect(document.pageWidth.map { abs($0 - 595.3) < 0.1 } == true)
        #expect(!document.hasEmbeddedThumbnail && !document.isTemplate)
        #expect(description.textExtract?.text.contains("the café in Lisbon serves iced coffee") == true)
    }

    @Test func withoutAThumbnailTheVisualIsATextCardWithTheTitle() throws {
        let card = try probe.image("press-release.docx", DocumentProbe.preview)
        // A portrait page: mostly paper, dark ink in the title area at the top.
        #expect(card.height == 1600 && card.width < card.height)
        #expect(try card.bandMeans()[0] > 200)
        let title = try card.inkCoverage(dark: 90)
        #expect(title.minimum < 80)
        let top = try card.bandMeans(x: 0.08, y: 0.08, width: 0.6, height: 0.06)
        #expect(top[0] < 235, "title ink: \(top)")
        let bottom = try card.bandMeans(x: 0.08, y: 0.6, width: 0.6, height: 0.2)
        #expect(bottom[0] > 250, "blank lower page: \(bottom)")
    }

    @Test func theEmbeddedThumbnailIsTheVisualWhenThereIsOne() throws {
        let description = try probe.describe("annual-report.docx")
        #expect(description.document?.hasEmbeddedThumbnail == true)
        #expect(description.document?.pageCount == 14)
        #expect(description.document?.wordCount == expectedInt(try DocumentFixtures.expected("annual-report.docx"), "words"))
        let image = try probe.image("annual-report.docx", DocumentProbe.preview)
        #expect(image.width == 180 && image.height == 256)
        let left = try image.bandMeans(width: 0.4)
        #expect(left[0] > 200 && left[2] < 90, "yellow half: \(left)")
    }

    @Test func presentationSlidesInOrderWithThemeFonts() throws {
        let description = try probe.describe("pitch-deck.pptx")
        let document = try #require(description.document)
        #expect(description.format == "pptx")
        #expect(document.slideCount == 5)
        #expect(document.title == "Pitch deck")
        #expect(document.author == "Mira Chen")
        #expect(document.fonts == ["Linux Biolinum O", "Linux Libertine O"])
        #expect(document.pageWidth == 960 && document.pageHeight == 540)
        #expect(document.wordCount == expectedInt(try DocumentFixtures.expected("pitch-deck.pptx"), "words"))
        // slide5.xml is listed first in the presentation.
        #expect(description.textExtract?.text.hasPrefix("Thank you\nBudget") == true)
        let card = try probe.image("pitch-deck.pptx", DocumentProbe.preview)
        #expect(card.width == 1600 && card.height == 1200)
    }

    @Test func spreadsheetsOpenDocumentAndTemplates() throws {
        let budget = try probe.describe("budget.xlsx")
        #expect(budget.document?.sheetCount == 3)
        #expect(budget.textExtract?.text.contains("Total spend") == true)
        let minutes = try probe.describe("minutes.odt")
        #expect(minutes.format == "odt")
        #expect(minutes.mimeType == "application/vnd.oasis.opendocument.text")
        #expect(minutes.document?.title == "Autumn minutes")
        #expect(minutes.document?.author == "Ana Ribeiro")
        #expect(minutes.document?.pageCount == 2)
        #expect(minutes.document?.wordCount == 16)
        #expect(minutes.document?.keywords == ["autumn", "minutes"])
        #expect(minutes.document?.createdAt == ISO8601DateFormatter().date(from: "2024-09-10T08:15:00Z"))
        #expect(minutes.textExtract?.text.contains("Ana, Jonas  and Mira.") == true)
        let thumbnail = try probe.image("minutes.odt", DocumentProbe.preview)
        #expect(thumbnail.width == 128 && thumbnail.height == 180)
        #expect(try probe.describe("story.odp").document?.slideCount == 4)
        #expect(try probe.describe("plan.ods").document?.sheetCount == 2)
        let template = try probe.describe("letterhead.dotx")
        #expect(template.document?.isTemplate == true)
        #expect(template.mimeType == "application/vnd.openxmlformats-officedocument.wordprocessingml.template")
    }

    @Test func zipBombsEntityExpansionAndOtherArchivesAreRefused() throws {
        guard case let .unsupportedFormat(bomb) = try #require(try probe.failure("zip-bomb.docx")) else {
            Issue.record("zip bomb accepted")
            return
        }
        #expect(bomb.contains("zip bomb guard"))
        guard case let .unsupportedFormat(entities) = try #require(try probe.failure("entity-bomb.docx")) else {
            Issue.record("entity expansion accepted")
            return
        }
        #expect(entities.contains("entity expansion guard"))
        guard case let .unsupportedFormat(zip) = try #require(try probe.failure("plain.zip")) else {
            Issue.record("plain zip accepted")
            return
        }
        #expect(zip.contains("not an Office"))
        // A part's declared size over the per-part limit.
        let tight = try DocumentProbe(MediaEngineConfiguration(documentLimits: DocumentLimits(maxArchivePartBytes: 100)))
        guard case .unsupportedFormat = try #require(try tight.failure("press-release.docx")) else {
            Issue.record("part size limit not applied")
            return
        }
    }

    @Test func theReaderIsAPureFunctionOverBytes() throws {
        let bytes = try Data(contentsOf: try DocumentFixtures.file("press-release.docx"))
        let document = try OfficeReader.read(bytes, limits: DocumentLimits(), deadline: Deadline(seconds: 10))
        #expect(document.kind == .wordProcessing)
        for length in stride(from: 0, to: bytes.count, by: 97) {
            _ = try? OfficeReader.read(bytes.prefix(length), limits: DocumentLimits(), deadline: Deadline(seconds: 10))
        }
    }

    @Test func thirdPartyWordAndPowerPointFiles() throws {
        let docx = try probe.describe("documents/doc-default.docx")
        #expect(docx.document?.author == "Steve Canny")
        #expect(docx.document?.pageCount == 1)
        #expect(docx.document?.wordCount == 0)
        #expect(docx.document?.fonts.contains("Cambria") == true)
        #expect(docx.document?.hasEmbeddedThumbnail == true)
        let pptx = try probe.describe("documents/slides.pptx")
        #expect(pptx.document?.slideCount == 8)
        #expect(pptx.document?.title == "Presentation")
        #expect(pptx.textExtract?.text.contains("XL_AXIS_CROSSES.MAXIMUM") == true)
        // Both carry their own thumbnail (the Word file's shows its one empty page).
        let page = try probe.image("documents/doc-default.docx", DocumentProbe.preview)
        #expect(page.width == 395 && page.height == 512)
        #expect(try page.bandMeans().allSatisfy { $0 > 200 })
        let slide = try probe.image("documents/slides.pptx", DocumentProbe.preview)
        #expect(slide.width == 256 && slide.height == 192)
        let ink = try slide.inkCoverage()
        #expect(ink.minimum < 128 && ink.maximum > 200, "\(ink)")
    }
}

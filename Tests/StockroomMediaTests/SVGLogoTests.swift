import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("SVG logos")
struct SVGLogoTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test func viewBoxTitleAndSizeAreRead() throws {
        let description = try probe.describe("logo-dark.svg")
        #expect(description.kind == .image)
        #expect(description.format == "svg")
        #expect(description.mimeType == "image/svg+xml")
        #expect(description.vector?.viewBox == [0, 0, 200, 80])
        #expect(description.vector?.title == "Northwind mark")
        #expect(description.vector?.summary == "The dark mark")
        #expect(description.image?.width == 200 && description.image?.height == 80)
        #expect(description.xmp?.title == "Northwind mark")
    }

    @Test func rasterizedAtTheRenditionSizeNotTheViewBox() throws {
        let preview = try probe.image("logo-dark.svg", DocumentProbe.preview)
        #expect(preview.width == 1600 && preview.height == 640)
        // The dark square on the left, white (JPEG on a white matte) between the shapes.
        let square = try preview.bandMeans(x: 0.07, y: 0.2, width: 0.2, height: 0.6)
        #expect(square[2] > square[0] + 40 && square[0] < 80, "square \(square)")
        let gap = try preview.bandMeans(x: 0.38, y: 0.02, width: 0.05, height: 0.08)
        #expect(gap.allSatisfy { $0 > 245 }, "background \(gap)")
    }

    @Test func aWhiteMarkIsShownOnCharcoalInJPEGAndKeepsItsTransparencyInPNG() throws {
        let jpeg = try probe.image("logo-white.svg", DocumentProbe.thumb)
        let corner = try jpeg.bandMeans(width: 0.05, height: 0.05)
        let centre = try jpeg.bandMeans(x: 0.4, y: 0.4, width: 0.2, height: 0.2)
        #expect(corner.allSatisfy { $0 < 60 }, "matte \(corner)")
        #expect(centre.allSatisfy { $0 > 240 }, "mark \(centre)")
        let png = try probe.image("logo-white.svg", RenditionRecipe(name: "PNG", width: 300, format: .png))
        #expect(png.bands == 4)
        let transparent = try png.bandMeans(width: 0.05, height: 0.05)
        #expect(transparent[3] < 5, "alpha \(transparent)")
    }

    @Test func coverCropsLetterboxTheWholeMark() throws {
        let story = try probe.image("logo-dark.svg", RenditionRecipe(name: "STORY", width: 1080, height: 1920, fit: .cover))
        #expect(story.width == 1080 && story.height == 1920)
        // Above and below the mark: the matte. Across the middle: the red dot on the right is kept.
        #expect(try story.bandMeans(y: 0, height: 0.3).allSatisfy { $0 > 245 })
        #expect(try story.bandMeans(y: 0.7, height: 0.3).allSatisfy { $0 > 245 })
        let dot = try story.bandMeans(x: 0.8, y: 0.47, width: 0.06, height: 0.06)
        #expect(dot[0] > dot[2] + 60, "the red dot survives the crop: \(dot)")
    }

    @Test func externalReferencesAreNotLoadedAndScriptsAreFlagged() throws {
        let description = try probe.describe("external-reference.svg")
        #expect(description.vector?.hasScript == true)
        #expect(description.vector?.externalReferenceCount == 2)
        // The sibling PNG is red: none of it may appear over the green rectangle.
        let image = try probe.image("external-reference.svg", DocumentProbe.thumb)
        let means = try image.bandMeans()
        #expect(means[1] > means[0] + 100, "green only: \(means)")
    }

    @Test func entityExpansionAndExternalEntitiesAreRefusedPlainEntitiesPass() throws {
        guard case let .unsupportedFormat(laughs) = try #require(try probe.failure("billion-laughs.svg")) else {
            Issue.record("billion laughs accepted")
            return
        }
        #expect(laughs.contains("entity"))
        guard case .unsupportedFormat = try #require(try probe.failure("external-entity.svg")) else {
            Issue.record("external entity accepted")
            return
        }
        #expect(try probe.failure("illustrator-entities.svg") == nil)
        #expect(try probe.describe("illustrator-entities.svg").vector?.title == "Entities")
    }

    @Test("third-party logos", arguments: [("documents/debian.svg", "Debian"), ("documents/gnome.svg", "GNOME")])
    func corpus(path: String, title: String) throws {
        let description = try probe.describe(path)
        #expect(description.vector?.title == title)
        #expect(description.vector?.viewBox == [0, 0, 24, 24])
        let thumb = try probe.image(path, DocumentProbe.thumb)
        #expect(thumb.width == 300 && thumb.height == 300)
        let ink = try thumb.inkCoverage()
        #expect(ink.minimum < 40 && ink.maximum > 240 && ink.darkShare > 0.05, "\(ink)")
    }
}

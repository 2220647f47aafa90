import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Fonts")
struct FontTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test func namesWeightCoverageAndLicenceAreRead() throws {
        let description = try probe.describe("dejavu-subset.ttf")
        #expect(description.kind == .font)
        #expect(description.format == "ttf" && description.mimeType == "font/ttf")
        let font = try #require(description.font)
        #expect(font.family == "DejaVu Sans")
        #expect(font.style == "Book")
        #expect(font.weight == 400)
        #expect(font.container == "truetype")
        #expect(font.scripts == ["Latin", "Greek", "Cyrillic"])
        // Basic Latin, Greek Α…ω (U+03A2 is unassigned), Cyrillic А…я.
        #expect(font.characterCount == 95 + 56 + 64)
        #expect(font.glyphCount >= font.characterCount / 2)
        #expect(font.version?.hasPrefix("Version") == true)
        #expect(font.copyright?.contains("Bitstream") == true)
        #expect(!font.isItalic && !font.isMonospaced && font.faceCount == 1)
    }

    @Test("containers", arguments: [
        ("libertine-subset.otf", "opentype", "font/otf", "Linux Libertine O"),
        ("libertine-subset.woff", "woff", "font/woff", "Linux Libertine O"),
        ("dejavu-subset.woff2", "woff2", "font/woff2", "DejaVu Sans"),
        ("dejavu-mono-subset.ttf", "truetype", "font/ttf", "DejaVu Sans Mono"),
        ("pixel.ttf", "truetype", "font/ttf", "Stockroom Pixel"),
    ])
    func containers(file: String, container: String, mimeType: String, family: String) throws {
        let description = try probe.describe(file)
        #expect(description.mimeType == mimeType)
        #expect(description.font?.container == container)
        #expect(description.font?.family == family)
    }

    @Test func monospaceDesignerAndLicenceURL() throws {
        #expect(try probe.describe("dejavu-mono-subset.ttf").font?.isMonospaced == true)
        let pixel = try #require(try probe.describe("pixel.ttf").font)
        #expect(pixel.designer == "Stockroom Project")
        #expect(pixel.licenseURL == "https://creativecommons.org/publicdomain/zero/1.0/")
        #expect(pixel.license?.contains("CC0") == true)
    }

    @Test("specimens show the font's own glyphs", arguments: ["dejavu-subset.ttf", "libertine-subset.woff", "dejavu-subset.woff2", "pixel.ttf", "cyrillic-only.ttf"])
    func specimen(file: String) throws {
        let image = try probe.image(file, DocumentProbe.preview)
        #expect(image.width == 1600)
        let ink = try image.inkCoverage()
        #expect(ink.maximum == 255 && ink.minimum < 60, "\(file): \(ink)")
        #expect(ink.darkShare > 0.01 && ink.darkShare < 0.5, "\(file): \(ink)")
    }

    @Test func aCyrillicOnlyFontIsShownInCyrillic() throws {
        let font = try #require(try probe.describe("cyrillic-only.ttf").font)
        #expect(font.scripts == ["Cyrillic"])
    }

    @Test func truncatedAndNonFontsAreRefused() throws {
        guard case .corrupt = try #require(try probe.failure("truncated.ttf")) else {
            Issue.record("truncated font accepted")
            return
        }
        // "true" at the start of a text file is not a TrueType signature.
        #expect(FontDescriber.container(of: Data("true story, told in a text file".utf8)) == nil)
        #expect(FontDescriber.container(of: try Data(contentsOf: try DocumentFixtures.file("pixel.ttf"))) == "truetype")
        #expect(throws: MediaError.self) { try FontDescriber.describe(Data("wOF2 not really".utf8), limits: DocumentLimits()) }
    }
}

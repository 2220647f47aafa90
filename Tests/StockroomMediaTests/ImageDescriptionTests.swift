import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Image description")
struct ImageDescriptionTests {
    let engine: LibMediaEngine

    init() throws {
        engine = try LibMediaEngine()
    }

    @Test("orientations 1–8 describe the displayed size", arguments: 1...8)
    func landscapeOrientation(orientation: Int) throws {
        let description = try engine.describe(fileAt: Corpus.file("images/orientation-landscape-\(orientation).jpg"), sidecar: nil)
        #expect(description.kind == .image)
        #expect(description.format == "jpeg")
        #expect(description.mimeType == "image/jpeg")
        let image = try #require(description.image)
        #expect(image.width == 1800)
        #expect(image.height == 1200)
        #expect(image.orientation == orientation)
        #expect(image.colorSpace == "srgb")
        #expect(image.bitDepth == 8)
        #expect(image.bands == 3)
        #expect(!image.hasAlpha)
    }

    @Test func portraitOrientationSix() throws {
        // Stored 1800×1200 and turned a quarter by orientation 6: displayed portrait.
        let image = try #require(try engine.describe(fileAt: Corpus.file("images/orientation-portrait-6.jpg"), sidecar: nil).image)
        #expect(image.orientation == 6)
        #expect(image.width == 1200)
        #expect(image.height == 1800)
    }

    @Test func cmykJPEG() throws {
        let image = try #require(try engine.describe(fileAt: Corpus.file("images/cmyk.jpg"), sidecar: nil).image)
        #expect(image.colorSpace == "cmyk")
        #expect(image.bands == 4)
    }

    @Test func sixteenBitPNG() throws {
        let description = try engine.describe(fileAt: Corpus.file("images/sample.png"), sidecar: nil)
        #expect(description.format == "png")
        #expect(description.mimeType == "image/png")
        let image = try #require(description.image)
        #expect(image.bitDepth == 16)
        #expect(image.colorSpace == "rgb16")
        #expect(image.width == 290)
        #expect(image.height == 442)
    }

    @Test func animatedGIFCountsFrames() throws {
        let description = try engine.describe(fileAt: Corpus.file("images/animated.gif"), sidecar: nil)
        #expect(description.format == "gif")
        let image = try #require(description.image)
        #expect(image.pageCount == 31)
        #expect(image.width == 320)
        #expect(image.height == 240)
    }

    @Test func iccProfileNames() throws {
        let big = try #require(try engine.describe(fileAt: Corpus.file("images/icc-profile-big.jpg"), sidecar: nil).image)
        #expect(big.iccProfileName == "TIFF RGB")
        let progressive = try #require(try engine.describe(fileAt: Corpus.file("images/progressive-icc-orientation-6.jpg"), sidecar: nil).image)
        #expect(progressive.iccProfileName == "sRGB IEC61966-2-1 black scaled")
        #expect(progressive.orientation == 6)
    }

    @Test func avifAndWebP() throws {
        let avif = try engine.describe(fileAt: Corpus.file("images/exif.avif"), sidecar: nil)
        #expect(avif.format == "avif")
        #expect(avif.mimeType == "image/avif")
        #expect(avif.image?.width == 512)

        let webp = try engine.describe(fileAt: Corpus.file("images/webp-orientation-6.webp"), sidecar: nil)
        #expect(webp.format == "webp")
        #expect(webp.mimeType == "image/webp")
        #expect(webp.image?.orientation == 6)
    }

    @Test func identifiesByContentNotExtension() throws {
        let directory = TemporaryDirectory()
        let disguised = directory.file("photo.mp3")
        try FileManager.default.copyItem(at: Corpus.file("images/flower.webp"), to: disguised)
        let description = try engine.describe(fileAt: disguised, sidecar: nil)
        #expect(description.kind == .image)
        #expect(description.format == "webp")
    }
}

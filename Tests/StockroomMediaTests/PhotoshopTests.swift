import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Photoshop PSD and PSB")
struct PhotoshopTests {
    let probe: DocumentProbe

    init() throws {
        probe = try DocumentProbe()
    }

    @Test func headerResourcesAndLayersAreRead() throws {
        let description = try probe.describe("banner-rle.psd")
        #expect(description.kind == .design)
        #expect(description.format == "psd")
        #expect(description.mimeType == "image/vnd.adobe.photoshop")
        let design = try #require(description.design)
        #expect(design.width == 240 && design.height == 160)
        #expect(design.colorMode == "rgb" && design.bitDepth == 8 && design.channels == 3)
        #expect(design.layerCount == 4)
        #expect(design.layerNames == ["Background", "Headline", "Überschrift ✓", "Artwork"])
        #expect(design.groupCount == 1 && design.textLayerCount == 1)
        #expect(design.fonts == ["Linux Libertine O", "DejaVu Sans"])
        #expect(design.resolution == 300)
        #expect(design.hasThumbnail && design.hasComposite)
        #expect(design.title == "Banner master")
        #expect(description.xmp?.keywords == ["summer", "banner"])
        #expect(description.textExtract?.text == "Summer sale banner\nUp to 40% off")
    }

    @Test func rleCompositeRendersItsPixels() throws {
        let image = try probe.image("banner-rle.psd", DocumentProbe.thumb)
        #expect(image.width == 240 && image.height == 160)
        let left = try image.bandMeans(width: 0.45)
        let right = try image.bandMeans(x: 0.55, width: 0.45)
        #expect(left[0] > 230 && left[2] < 50, "left red: \(left)")
        #expect(right[2] > 230 && right[0] < 50, "right blue: \(right)")
    }

    @Test("colour modes, depths and compressions", arguments: [
        // file, region x, expected R G B (±30)
        ("cyan-cmyk-rle.psd", 0.0, [0.0, 160.0, 230.0]),
        ("cyan-cmyk-rle.psd", 0.55, [255.0, 255.0, 255.0]),
        ("bitmap1.psd", 0.0, [0.0, 0.0, 0.0]),
        ("bitmap1.psd", 0.55, [255.0, 255.0, 255.0]),
        ("indexed.psd", 0.0, [0.0, 200.0, 0.0]),
        ("indexed.psd", 0.55, [0.0, 0.0, 200.0]),
        ("linear32.psd", 0.0, [128.0, 128.0, 128.0]),
        ("large.psb", 0.0, [230.0, 153.0, 26.0]),
    ] as [(String, Double, [Double])])
    func colourModes(file: String, x: Double, rgb: [Double]) throws {
        let image = try probe.image(file, DocumentProbe.thumb)
        var means = try image.bandMeans(x: x, width: 0.45)
        if means.count == 1 { means = Array(repeating: means[0], count: 3) }
        for band in 0..<3 {
            #expect(abs(means[band] - rgb[band]) <= 30, "\(file) at \(x): \(means) vs \(rgb)")
        }
    }

    @Test func labRendersRed() throws {
        let means = try probe.image("lab8.psd", DocumentProbe.thumb).bandMeans()
        #expect(means[0] > means[1] + 80 && means[0] > means[2] + 50, "\(means)")
    }

    @Test func sixteenBitRawAndRLEAndLayersInAnLr16Block() throws {
        let gradient = try probe.describe("gradient16-raw.psd")
        #expect(gradient.design?.bitDepth == 16)
        #expect(gradient.design?.layerNames == ["Gradient", "Noise"])
        let image = try probe.image("gradient16-raw.psd", DocumentProbe.thumb)
        let left = try image.bandMeans(width: 0.1)
        let right = try image.bandMeans(x: 0.9, width: 0.1)
        #expect(left[0] < 40 && left[2] > 215 && right[0] > 215 && right[2] < 40, "\(left) → \(right)")
        let checker = try probe.image("grey16-rle.psd", DocumentProbe.thumb).inkCoverage()
        #expect(checker.minimum < 10 && checker.maximum > 245 && abs(checker.darkShare - 0.5) < 0.1, "\(checker)")
        let ramp = try probe.image("grey8-raw.psd", DocumentProbe.thumb)
        #expect(try ramp.bandMeans(height: 0.1)[0] < 30)
        #expect(try ramp.bandMeans(y: 0.9, height: 0.1)[0] > 225)
    }

    @Test func largeDocumentFormat() throws {
        let description = try probe.describe("large.psb")
        #expect(description.format == "psb")
        #expect(description.design?.layerNames == ["Only layer"])
        #expect(description.design?.width == 300)
    }

    @Test func withoutARealCompositeTheThumbnailIsTheVisual() throws {
        let description = try probe.describe("no-composite.psd")
        #expect(description.design?.hasComposite == false)
        let image = try probe.image("no-composite.psd", DocumentProbe.preview)
        // The 160 × 120 JPEG thumbnail (red | blue), not the blank 240 × 160 composite.
        #expect(image.width == 160 && image.height == 120)
        #expect(try image.bandMeans(width: 0.4)[0] > 200)
    }

    @Test func damagedAndHostileFilesFailWithAReason() throws {
        #expect(try probe.describe("truncated.psd").design?.width == 240)
        guard case let .corrupt(reason) = try #require(try probe.failure("truncated.psd")) else {
            Issue.record("truncated composite rendered")
            return
        }
        #expect(reason.contains("PSD"))
        #expect(try probe.failure("bomb.psd") == .tooManyPixels(width: 30000, height: 30000, pages: 1, limit: 200_000_000))
    }

    @Test func everyPrefixOfAFileIsReadOrRefusedNeverCrashes() throws {
        let bytes = try Data(contentsOf: try DocumentFixtures.file("banner-rle.psd"))
        var refused = 0
        for length in stride(from: 0, to: bytes.count, by: 7) {
            do {
                let document = try PhotoshopReader.read(bytes.prefix(length), limits: DocumentLimits(), maxPixels: 200_000_000)
                _ = try? PhotoshopComposite.decode(document, bytes: bytes.prefix(length), shrink: 2, deadline: Deadline(seconds: 10))
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    @Test("third-party Photoshop files", arguments: [
        ("documents/0layers.psd", 1600, 1200, [String]()),
        ("documents/1layer.psd", 101, 55, ["Фон"]),
        ("documents/32bit.psd", 100, 150, ["Background", "Shape 1"]),
    ])
    func corpus(path: String, width: Int, height: Int, layers: [String]) throws {
        let design = try #require(try probe.describe(path).design)
        #expect(design.width == width && design.height == height)
        #expect(design.layerNames == layers)
        #expect(design.layerCount == layers.count)
        let image = try probe.image(path, DocumentProbe.thumb)
        let ink = try image.inkCoverage(dark: 100)
        #expect(ink.minimum < 60 && ink.maximum > 200, "\(path) rendered blank: \(ink)")
    }

    @Test func thirtyTwoBitLinearLightLooksLikeItsThumbnail() throws {
        // Photoshop's own 8-bit thumbnail of 32bit.psd averages 151.5; the composite, encoded
        // from linear light to sRGB, must look the same.
        let mean = try probe.image("documents/32bit.psd", RenditionRecipe(name: "FULL", width: 100, format: .png)).mean()
        #expect(abs(mean - 151.5) < 4, "\(mean)")
    }
}

import Foundation
import Testing
@testable import StockroomMedia
import CMediaShim
import Synchronization
import StockroomTestSupport

@Suite("Image renditions")
struct ImageRenditionTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine()
    }

    private func render(_ path: String, _ recipes: [RenditionRecipe]) throws -> [RenderedImage] {
        let url = Corpus.file(path)
        let description = try engine.describe(fileAt: url, sidecar: nil)
        return try engine.render(fileAt: url, description: description, recipes: recipes).map { outcome in
            switch outcome {
            case let .rendered(image): return image
            case let .failed(name, reason): throw MediaError.vips("\(name) failed: \(reason)")
            }
        }
    }

    @Test("every orientation renders upright like orientation 1", arguments: 2...8)
    func orientationsLookTheSame(orientation: Int) throws {
        let recipe = RenditionRecipe(name: "PREVIEW", width: 600)
        let reference = try DecodedImage(try #require(try render("images/orientation-landscape-1.jpg", [recipe]).first).data, in: directory)
        let rendered = try #require(try render("images/orientation-landscape-\(orientation).jpg", [recipe]).first)
        #expect(rendered.width == 600)
        #expect(rendered.height == 400)
        let decoded = try DecodedImage(rendered.data, in: directory)
        #expect(decoded.width == 600 && decoded.height == 400)
        let expected = try reference.gridMeans()
        let actual = try decoded.gridMeans()
        for (cell, (a, b)) in zip(actual, expected).enumerated() {
            #expect(abs(a - b) < 8, "cell \(cell): \(a) vs \(b)")
        }
    }

    @Test func portraitRendersPortrait() throws {
        let rendered = try #require(try render("images/orientation-portrait-6.jpg", [RenditionRecipe(name: "PREVIEW", width: 600)]).first)
        #expect(rendered.width == 400)
        #expect(rendered.height == 600)
    }

    @Test func oneDecodeServesEveryRecipe() throws {
        let recipes = [
            RenditionRecipe(name: "THUMB", width: 250, format: .webp, quality: 80),
            RenditionRecipe(name: "PREVIEW", width: 1440),
            RenditionRecipe(name: "SQUARE", width: 1080, height: 1080, fit: .cover),
            RenditionRecipe(name: "STORY", width: 1080, height: 1920, fit: .cover),
            RenditionRecipe(name: "LOSSLESS", width: 320, format: .png),
        ]
        let rendered = try render("images/orientation-landscape-3.jpg", recipes)
        #expect(rendered.map(\.name) == ["THUMB", "PREVIEW", "SQUARE", "STORY", "LOSSLESS"])
        #expect(rendered.map { "\($0.width)×\($0.height)" } == ["250×167", "1440×960", "1080×1080", "675×1200", "320×213"])
        for image in rendered {
            let decoded = try DecodedImage(image.data, in: directory)
            #expect(decoded.width == image.width && decoded.height == image.height)
        }
        // Exact social aspect ratios.
        #expect(rendered[2].width * 1 == rendered[2].height * 1)
        #expect(rendered[3].width * 16 == rendered[3].height * 9)
    }

    @Test("JPEGs are baseline with optimised tables unless the recipe says progressive; the pixels are the same")
    func progressiveIsARecipeChoice() throws {
        let rendered = try render("images/orientation-landscape-1.jpg", [
            RenditionRecipe(name: "BASELINE", width: 600), RenditionRecipe(name: "PROGRESSIVE", width: 600, progressive: true),
        ])
        /// The start-of-frame marker: FFC0/FFC1 baseline (FFC1: extended, optimised tables), FFC2 progressive.
        func frameMarker(_ data: Data) -> UInt8? {
            let bytes = [UInt8](data)
            var at = 2
            while at + 4 <= bytes.count, bytes[at] == 0xFF {
                let marker = bytes[at + 1]
                if (0xC0...0xC2).contains(marker) { return marker }
                at += 2 + Int(bytes[at + 2]) << 8 + Int(bytes[at + 3])
            }
            return nil
        }
        #expect(rendered.map(\.name) == ["BASELINE", "PROGRESSIVE"])
        #expect(frameMarker(rendered[0].data).map { [0xC0, 0xC1].contains($0) } == true)
        #expect(frameMarker(rendered[1].data) == 0xC2)
        let baseline = try DecodedImage(rendered[0].data, in: directory)
        let progressive = try DecodedImage(rendered[1].data, in: directory)
        #expect(try baseline.gridMeans() == progressive.gridMeans())
    }

    @Test func neverUpscales() throws {
        let recipes = [
            RenditionRecipe(name: "BIG", width: 2000),
            RenditionRecipe(name: "SQUARE", width: 1080, height: 1080, fit: .cover),
            RenditionRecipe(name: "STORY", width: 1080, height: 1920, fit: .cover),
        ]
        // cmyk.jpg is 100×100.
        let rendered = try render("images/cmyk.jpg", recipes)
        #expect(rendered.map { "\($0.width)×\($0.height)" } == ["100×100", "100×100", "54×96"])
    }

    @Test func cmykBecomesSRGB() throws {
        let rendered = try render("images/cmyk.jpg", [
            RenditionRecipe(name: "J", width: 80), RenditionRecipe(name: "W", width: 80, format: .webp),
            RenditionRecipe(name: "P", width: 80, format: .png),
        ])
        for image in rendered {
            let decoded = try DecodedImage(image.data, in: directory)
            #expect(decoded.bands == 3, "\(image.name)")
            #expect(decoded.colorSpace == "srgb", "\(image.name)")
        }
    }

    /// The decode only runs a colour transform when the file embeds a profile: a wide-gamut file
    /// must come out as the colours it shows, an untagged one with its values untouched.
    @Test func embeddedProfilesAreAppliedAndUntaggedPixelsKept() throws {
        let srgb: [UInt8] = [200, 60, 40]
        let pixels = (0..<(64 * 64)).flatMap { _ in srgb }
        let image = try LibvipsImage.make("pixels") { output in
            pixels.withUnsafeBytes { sr_vips_image_from_pixels($0.baseAddress, 64, 64, 3, output) }
        }
        let p3 = try LibvipsImage.make("to Display P3") { sr_vips_icc_from_srgb(image.pointer, $0, "p3") }
        let deadline = Deadline(seconds: 60)
        let tagged = directory.file("display-p3.png")
        try RenditionEncoder.encode(p3, format: .png, quality: 100, strip: false, deadline: deadline).write(to: tagged)
        let untagged = directory.file("untagged.png")
        try RenditionEncoder.encode(p3, format: .png, quality: 100, strip: true, deadline: deadline).write(to: untagged)
        let p3Values = try bandMeans(DecodedImage(Data(contentsOf: untagged), in: directory).image)
        #expect(zip(p3Values, srgb).contains { abs($0 - Double($1)) > 8 }, "P3 numbers differ from the sRGB ones: \(p3Values)")

        for (file, expected) in [(tagged, srgb.map(Double.init)), (untagged, p3Values)] {
            let description = try engine.describe(fileAt: file, sidecar: nil)
            let outcome = try #require(try engine.render(fileAt: file, description: description,
                                                         recipes: [RenditionRecipe(name: "P", width: 32, format: .png)]).first)
            guard case let .rendered(rendered) = outcome else { Issue.record("\(outcome)"); continue }
            let values = try bandMeans(DecodedImage(rendered.data, in: directory).image)
            for (band, (value, want)) in zip(values, expected).enumerated() {
                #expect(abs(value - want) < 3, "\(file.lastPathComponent) band \(band): \(value) vs \(want)")
            }
        }
    }

    private func bandMeans(_ image: LibvipsImage) throws -> [Double] {
        try (0..<3).map { band in
            let extracted = try LibvipsImage.make("band") { sr_vips_extract_bands(image.pointer, $0, Int32(band), 1) }
            var mean = 0.0
            guard sr_vips_average(extracted.pointer, &mean) == 0 else { throw MediaError.vips(LibvipsError.take()) }
            return mean
        }
    }

    @Test func sixteenBitBecomesEightBit() throws {
        let rendered = try #require(try render("images/sample.png", [RenditionRecipe(name: "P", width: 200, format: .png)]).first)
        let decoded = try DecodedImage(rendered.data, in: directory)
        #expect(decoded.image.bitsPerSample == 8)
        #expect(decoded.colorSpace == "srgb")
        #expect(rendered.height == 200)
    }

    @Test func metadataIsStrippedUnlessRightsAreKept() throws {
        let url = Corpus.file("images/iptc.jpg")
        var description = try engine.describe(fileAt: url, sidecar: nil)
        description.exif?.copyright = "© Test Owner"
        description.exif?.artist = "Test Artist"
        let outcomes = try engine.render(fileAt: url, description: description, recipes: [
            RenditionRecipe(name: "STRIPPED", width: 100, keepCopyright: false),
            RenditionRecipe(name: "STRIPPED_WEBP", width: 100, format: .webp, keepCopyright: false),
            RenditionRecipe(name: "STRIPPED_PNG", width: 100, format: .png, keepCopyright: false),
            RenditionRecipe(name: "RIGHTS", width: 100, keepCopyright: true),
            RenditionRecipe(name: "RIGHTS_WEBP", width: 100, format: .webp, keepCopyright: true),
        ])
        let images = outcomes.compactMap { if case let .rendered(image) = $0 { image } else { nil } }
        #expect(images.count == 5)

        for image in images.prefix(3) {
            let stripped = try DecodedImage(image.data, in: directory)
            let leftovers = stripped.fieldNames.filter { $0.hasPrefix("exif") || $0.hasPrefix("iptc") || $0.hasPrefix("xmp") || $0.hasPrefix("icc") }
            #expect(leftovers.isEmpty, "\(image.name) keeps \(leftovers)")
        }

        for image in images.suffix(2) {
            let kept = try engine.describe(fileAt: write(image.data), sidecar: nil)
            let exif = try #require(kept.exif, "\(image.name)")
            #expect(exif.copyright == "© Test Owner")
            #expect(exif.artist == "Test Artist")
            // Nothing else of the camera's EXIF survives.
            #expect(exif.make == nil && exif.model == nil && exif.dateTimeOriginal == nil && exif.gpsLatitude == nil)
            #expect(kept.iptc == nil)
            #expect(kept.image?.iccProfileName == nil)
        }
    }

    @Test func alphaIsKeptForPNGAndFlattenedForJPEG() throws {
        // animated.gif has an alpha band.
        let rendered = try render("images/animated.gif", [
            RenditionRecipe(name: "PNG", width: 160, format: .png),
            RenditionRecipe(name: "JPEG", width: 160, format: .jpeg),
        ])
        #expect(try DecodedImage(rendered[0].data, in: directory).bands == 4)
        #expect(try DecodedImage(rendered[1].data, in: directory).bands == 3)
        #expect(rendered[0].width == 160 && rendered[0].height == 120)
    }

    @Test func avifOutput() throws {
        let rendered = try render("images/flower.webp", [RenditionRecipe(name: "AVIF", width: 200, format: .avif, quality: 50)])
        let image = try #require(rendered.first)
        let description = try engine.describe(fileAt: write(image.data), sidecar: nil)
        #expect(description.format == "avif")
        #expect(description.image?.width == 200)
    }

    @Test func watermarkChangesThePixels() throws {
        let plain = RenditionRecipe(name: "PLAIN", width: 400, format: .png)
        var marked = plain
        marked.name = "MARKED"
        marked.watermark = Watermark(text: "PROOF", opacity: 0.8, position: .center, scale: 0.6)
        var tiled = plain
        tiled.name = "TILED"
        tiled.watermark = Watermark(text: "PROOF", opacity: 0.5, position: .tiled, scale: 0.2)
        let rendered = try render("images/orientation-landscape-1.jpg", [plain, marked, tiled])
        #expect(rendered.map { "\($0.width)×\($0.height)" } == ["400×267", "400×267", "400×267"])
        let plainGrid = try DecodedImage(rendered[0].data, in: directory).gridMeans()
        let markedGrid = try DecodedImage(rendered[1].data, in: directory).gridMeans()
        // The centre cell carries the mark; the corners do not.
        #expect(abs(markedGrid[4] - plainGrid[4]) > 2)
        #expect(abs(markedGrid[0] - plainGrid[0]) < 1)
        #expect(try DecodedImage(rendered[2].data, in: directory).bands == 3)
    }

    /// Pango crashed libvips 8.14 when several workers laid out text over and over (an ingest of
    /// 10 000 files died after ~400). Marks of different sizes from four threads at once must all
    /// come out, and the same input must give the same bytes.
    @Test func textWatermarksFromSeveralThreadsAtOnce() throws {
        let url = Corpus.file("images/orientation-landscape-1.jpg")
        let description = try engine.describe(fileAt: url, sidecar: nil)
        let recipes = [120, 240, 360].map { width in
            var recipe = RenditionRecipe(name: "W\(width)", width: width, format: .png)
            recipe.watermark = Watermark(text: "© CONCURRENT PROOF", opacity: 0.7, position: .center, scale: 0.8)
            return recipe
        }
        let engine = self.engine
        let results = Mutex<[[Data]]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<5 {
                let outcomes = (try? engine.render(fileAt: url, description: description, recipes: recipes)) ?? []
                let data = outcomes.compactMap { outcome -> Data? in
                    if case let .rendered(image) = outcome { return image.data }
                    return nil
                }
                results.withLock { $0.append(data) }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 20)
        #expect(all.allSatisfy { $0.count == 3 })
        #expect(Set(all).count == 1, "\(Set(all).count) different outputs for the same input")
    }

    @Test func webpEffortTradesTimeForSize() throws {
        let recipes = [0, 6].map { (effort: Int) in RenditionRecipe(name: "E\(effort)", width: 800, format: .webp, quality: 80, effort: effort) }
        let rendered = try render("images/orientation-landscape-1.jpg", recipes)
        #expect(rendered.map { "\($0.width)×\($0.height)" } == ["800×533", "800×533"])
        #expect(rendered[0].data != rendered[1].data)
        #expect(rendered[1].data.count < rendered[0].data.count, "effort 6: \(rendered[1].data.count) bytes, effort 0: \(rendered[0].data.count)")
        for image in rendered {
            let decoded = try DecodedImage(image.data, in: directory)
            #expect(decoded.width == 800 && decoded.height == 533)
        }
    }

    private func write(_ data: Data) throws -> URL {
        let url = directory.file(UUID().uuidString)
        try data.write(to: url)
        return url
    }
}

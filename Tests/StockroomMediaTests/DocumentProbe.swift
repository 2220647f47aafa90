import Foundation
import Testing
@testable import StockroomMedia
import CMediaShim
import StockroomTestSupport

/// Describes and renders fixtures (`DocumentFixtures`) or corpus files with the real engine, and
/// decodes what it rendered for pixel checks.
struct DocumentProbe {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory("stockroom-documents")

    init(_ configuration: MediaEngineConfiguration = MediaEngineConfiguration()) throws {
        engine = try LibMediaEngine(configuration: configuration)
    }

    func url(_ name: String) throws -> URL {
        name.contains("/") ? Corpus.file(name) : try DocumentFixtures.file(name)
    }

    func describe(_ name: String) throws -> MediaDescription {
        try engine.describe(fileAt: try url(name), sidecar: nil)
    }

    func failure(_ name: String) throws -> MediaError? {
        do {
            let description = try describe(name)
            _ = try engine.render(fileAt: try url(name), description: description, recipes: [RenditionRecipe(name: "THUMB", width: 200)])
            return nil
        } catch let error as MediaError {
            return error
        }
    }

    func render(_ name: String, _ recipes: [RenditionRecipe]) throws -> [RenditionOutcome] {
        let file = try url(name)
        return try engine.render(fileAt: file, description: try engine.describe(fileAt: file, sidecar: nil), recipes: recipes)
    }

    /// One recipe's rendition, decoded; a failed outcome fails the test.
    func image(_ name: String, _ recipe: RenditionRecipe) throws -> DecodedImage {
        let outcome = try #require(try render(name, [recipe]).first)
        guard case let .rendered(image) = outcome else {
            throw MediaError.vips("\(name) \(recipe.name) was not rendered: \(outcome)")
        }
        #expect(image.width > 0 && image.height > 0)
        return try DecodedImage(image.data, in: directory)
    }

    static let thumb = RenditionRecipe(name: "THUMB", width: 300)
    static let preview = RenditionRecipe(name: "PREVIEW", width: 1600)
}

extension DecodedImage {
    /// Mean of each band over a region given in fractions of the image (0…1).
    func bandMeans(x: Double = 0, y: Double = 0, width: Double = 1, height: Double = 1) throws -> [Double] {
        let left = Int(Double(image.width) * x)
        let top = Int(Double(image.height) * y)
        let cropWidth = max(1, Int(Double(image.width) * width))
        let cropHeight = max(1, Int(Double(image.height) * height))
        let region = try LibvipsImage.make("crop") {
            sr_vips_crop(image.pointer, $0, Int32(left), Int32(top), Int32(min(cropWidth, image.width - left)), Int32(min(cropHeight, image.height - top)))
        }
        let pixels = try PixelBuffer.read(region)
        var sums = [Double](repeating: 0, count: pixels.bands)
        for (index, value) in pixels.bytes.enumerated() { sums[index % pixels.bands] += Double(value) }
        let count = Double(pixels.width * pixels.height)
        return sums.map { $0 / count }
    }

    /// Darkest and lightest luma-ish value (band 0) and the share of pixels below `dark`.
    func inkCoverage(dark: UInt8 = 128) throws -> (minimum: UInt8, maximum: UInt8, darkShare: Double) {
        let pixels = try PixelBuffer.read(image)
        var minimum: UInt8 = 255
        var maximum: UInt8 = 0
        var darkCount = 0
        var index = 0
        while index < pixels.bytes.count {
            let value = pixels.bytes[index]
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            if value < dark { darkCount += 1 }
            index += pixels.bands
        }
        return (minimum, maximum, Double(darkCount) / Double(pixels.width * pixels.height))
    }
}

func expectedInt(_ entry: [String: Any], _ key: String) -> Int? {
    (entry[key] as? NSNumber)?.intValue
}

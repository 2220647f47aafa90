import Foundation
@testable import StockroomMedia
import CMediaShim
import CVips

/// Renditions made the way the engine made them before the cascade (commit cb5b768): one
/// decode by libvips' thumbnail to the size the largest recipe needs, every recipe resampled from
/// that decode by the thumbnail's Lanczos-3 resize, cover recipes smart-cropped from the whole
/// decode scaled to cover them, and today's encoder settings. The yardstick the cascade's output
/// is held to (`RenditionQualityTests`); slow on purpose, so it lives with the tests.
enum ReferenceRenditions {
    static func render(fileAt path: String, recipes: [RenditionRecipe]) throws -> [String: Data] {
        let configuration = MediaEngineConfiguration()
        let file = try ImageFile(path: path, loaderFormat: formatOf(path), configuration: configuration)
        let size = file.displayedSize
        let box = RenditionGeometry.decodeBox(source: size, scale: RenditionGeometry.decodeScale(source: size, recipes: recipes))
        let exportSRGB = file.header.has("icc-profile-data") || file.header.interpretation == VIPS_INTERPRETATION_CMYK
        let decoded = try LibvipsImage.make("reference decode") {
            sr_vips_thumbnail_file(path, $0, Int32(box.width), Int32(box.height), 1, exportSRGB ? 1 : 0)
        }
        let deadline = Deadline(seconds: 120)
        let base = try ColourNormalisation.toSRGB8(decoded).inMemory(deadline: deadline) { .vips($0) }
        var output: [String: Data] = [:]
        for recipe in recipes {
            var image = try shape(base, recipe: recipe, source: size)
            if let watermark = recipe.watermark {
                image = try WatermarkCompositor.apply(watermark, to: image)
            }
            output[recipe.name] = try RenditionEncoder.encode(image, format: recipe.format, quality: recipe.quality,
                                                              effort: recipe.effort, strip: true, deadline: deadline)
        }
        return output
    }

    private static func shape(_ base: LibvipsImage, recipe: RenditionRecipe, source: PixelSize) throws -> LibvipsImage {
        switch recipe.fit {
        case .inside:
            return try resize(base, to: RenditionGeometry.inside(source: source, box: RenditionGeometry.box(of: recipe)))
        case .cover:
            let (scaled, target) = try covering(base, recipe: recipe, source: source)
            if scaled.width == target.width && scaled.height == target.height { return scaled }
            return try LibvipsImage.make("smart crop") {
                sr_vips_smartcrop(scaled.pointer, $0, Int32(target.width), Int32(target.height), recipe.crop.vipsInteresting)
            }
        }
    }

    private static func covering(_ base: LibvipsImage, recipe: RenditionRecipe, source: PixelSize) throws -> (LibvipsImage, PixelSize) {
        let target = RenditionGeometry.cover(source: source, box: RenditionGeometry.box(of: recipe))
        let scale = max(Double(target.width) / Double(base.width), Double(target.height) / Double(base.height))
        let covering = PixelSize(width: max(target.width, Int((Double(base.width) * scale).rounded())),
                                 height: max(target.height, Int((Double(base.height) * scale).rounded())))
        return (try resize(base, to: covering), target)
    }

    private static func resize(_ image: LibvipsImage, to size: PixelSize) throws -> LibvipsImage {
        if image.width == size.width && image.height == size.height { return image }
        return try LibvipsImage.make("resize") {
            sr_vips_thumbnail_image(image.pointer, $0, Int32(size.width), Int32(size.height), VIPS_INTERESTING_NONE, VIPS_SIZE_FORCE)
        }
    }

    private static func formatOf(_ path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": "png"
        case "webp": "webp"
        case "tif", "tiff": "tiff"
        default: "jpeg"
        }
    }
}

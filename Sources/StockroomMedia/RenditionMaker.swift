import Foundation
internal import CVips
internal import CMediaShim

/// Cuts every recipe from one decoded, oriented, 8-bit sRGB image held in memory.
struct RenditionMaker {
    let deadline: Deadline
    let rights: DerivativeRights?

    /// `base` is the source decoded once at a scale that serves every recipe; `source` is the
    /// full displayed size of the original, which bounds every rendition (no upscaling).
    func render(base: LibvipsImage, source: PixelSize, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome] {
        var outcomes: [RenditionOutcome] = []
        for recipe in recipes {
            try deadline.check()
            do throws(MediaError) {
                outcomes.append(.rendered(try render(recipe, base: base, source: source)))
            } catch {
                if case .timedOut = error { throw error }
                if deadline.hasPassed { throw .timedOut(seconds: deadline.limitSeconds) }
                outcomes.append(.failed(name: recipe.name, reason: error.description))
            }
        }
        return outcomes
    }

    private func render(_ recipe: RenditionRecipe, base: LibvipsImage, source: PixelSize) throws(MediaError) -> RenderedImage {
        var image = try shape(base, recipe: recipe, source: source)
        if let watermark = recipe.watermark {
            image = try WatermarkCompositor.apply(watermark, to: image)
        }
        image = try prepareAlpha(image, for: recipe.format)
        let (tagged, strip) = try withMetadata(image, keepCopyright: recipe.keepCopyright)
        let quality = min(100, max(1, recipe.quality))
        let data = try RenditionEncoder.encode(tagged, format: recipe.format, quality: quality, effort: recipe.effort,
                                               strip: strip, deadline: deadline)
        return RenderedImage(name: recipe.name, data: data, width: tagged.width, height: tagged.height,
                             format: recipe.format, quality: quality)
    }

    private func shape(_ base: LibvipsImage, recipe: RenditionRecipe, source: PixelSize) throws(MediaError) -> LibvipsImage {
        let box = RenditionGeometry.box(of: recipe)
        switch recipe.fit {
        case .inside:
            let target = RenditionGeometry.inside(source: source, box: box)
            return try resize(base, to: target)
        case .cover:
            let target = RenditionGeometry.cover(source: source, box: box)
            // Scale so the base just covers the target, then cut the target out of it.
            let scale = max(Double(target.width) / Double(base.width), Double(target.height) / Double(base.height))
            let covering = PixelSize(width: max(target.width, Int((Double(base.width) * scale).rounded())),
                                     height: max(target.height, Int((Double(base.height) * scale).rounded())))
            let scaled = try resize(base, to: covering)
            if scaled.width == target.width && scaled.height == target.height { return scaled }
            let interesting = recipe.crop.vipsInteresting
            return try LibvipsImage.make("smart crop") {
                sr_vips_smartcrop(scaled.pointer, $0, Int32(target.width), Int32(target.height), interesting)
            }
        }
    }

    /// Exactly `size` (libvips' thumbnail resampling, alpha-premultiplied).
    private func resize(_ image: LibvipsImage, to size: PixelSize) throws(MediaError) -> LibvipsImage {
        if image.width == size.width && image.height == size.height { return image }
        return try LibvipsImage.make("resize to \(size.width)×\(size.height)") {
            sr_vips_thumbnail_image(image.pointer, $0, Int32(size.width), Int32(size.height), VIPS_INTERESTING_NONE, VIPS_SIZE_FORCE)
        }
    }

    /// JPEG has no alpha: flatten on white. PNG, WebP and AVIF keep it.
    private func prepareAlpha(_ image: LibvipsImage, for format: RenditionRecipe.ImageFormat) throws(MediaError) -> LibvipsImage {
        guard format == .jpeg, image.hasAlpha else { return image }
        let flat = try LibvipsImage.make("flatten") { sr_vips_flatten_white(image.pointer, $0) }
        if flat.bandFormat == VIPS_FORMAT_UCHAR { return flat }
        return try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(flat.pointer, $0) }
    }

    /// A copy with every metadata field removed, plus the rights block when asked for. Returns
    /// whether the saver should strip (nothing is to be kept).
    private func withMetadata(_ image: LibvipsImage, keepCopyright: Bool) throws(MediaError) -> (LibvipsImage, strip: Bool) {
        let copy = try image.copy()
        for field in copy.fieldNames {
            copy.removeField(field)
        }
        if keepCopyright, let rights, let block = rights.exifBlock() {
            copy.setBlob("exif-data", block)
            return (copy, false)
        }
        return (copy, true)
    }
}

extension RenditionRecipe.CropStrategy {
    var vipsInteresting: VipsInteresting {
        switch self {
        case .attention: return VIPS_INTERESTING_ATTENTION
        case .entropy: return VIPS_INTERESTING_ENTROPY
        case .centre: return VIPS_INTERESTING_CENTRE
        }
    }
}

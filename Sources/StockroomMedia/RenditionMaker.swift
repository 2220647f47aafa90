import Foundation
internal import CVips
internal import CMediaShim

/// Makes every recipe from one decoded, oriented, 8-bit sRGB image held in memory, each resampled
/// from the smallest image already made that is large enough (`RenditionCascade`).
struct RenditionMaker {
    let deadline: Deadline
    let rights: DerivativeRights?

    /// Lanczos-3 for every step. In the cascade each step reads a small input, so a cheaper kernel
    /// saves little: on a 24 MP photo the four steps up to 800 px take 28 ms with Lanczos-3, 27 ms
    /// with cubic (6–10 % less high-frequency energy than the pre-cascade renditions) and 20 ms with linear
    /// (23–46 % less); see Docs/performance.md, "Render stage".
    static let kernel = VIPS_KERNEL_LANCZOS3

    /// `base` is the source decoded once at a scale that serves every recipe; `source` is the
    /// full displayed size of the original, which bounds every rendition (no upscaling).
    func render(base: LibvipsImage, source: PixelSize, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome] {
        try render(base: base, source: source, recipes: recipes, deliveringFirst: [], to: { _ in })
    }

    /// The same, handing the outcomes of the recipes named in `first` to `deliverFirst` as soon
    /// as they exist; returns the others'. The steps run in cascade order either way (the same
    /// pixels); until the first recipes are delivered the others are only resampled, their
    /// watermarks and encodes wait, so the grid thumbnails of a 24 MP photo leave after the
    /// decode and the resampling chain, not after the WebP.
    func render(base: LibvipsImage, source: PixelSize, recipes: [RenditionRecipe], deliveringFirst first: Set<String>,
                to deliverFirst: ([RenditionOutcome]) -> Void) throws(MediaError) -> [RenditionOutcome] {
        let cascade = RenditionCascade(decoded: PixelSize(width: base.width, height: base.height), source: source, recipes: recipes)
        let firstIndices = recipes.indices.filter { first.contains(recipes[$0].name) }
        var delivered = false
        var made: [Int: LibvipsImage] = [:]
        var outcomes = [RenditionOutcome?](repeating: nil, count: recipes.count)
        /// Shaped, waiting for the first recipes to be delivered before their encode.
        var waiting: [(recipe: Int, shaped: LibvipsImage)] = []

        // A failed step is that recipe's outcome; only a timeout ends the call.
        func attempt(_ recipe: Int, _ work: () throws(MediaError) -> RenditionOutcome?) throws(MediaError) {
            do throws(MediaError) {
                if let outcome = try work() { outcomes[recipe] = outcome }
            } catch {
                if case .timedOut = error { throw error }
                if deadline.hasPassed { throw .timedOut(seconds: deadline.limitSeconds) }
                outcomes[recipe] = .failed(name: recipes[recipe].name, reason: error.description)
            }
        }
        func deliverIfReady() throws(MediaError) {
            guard !delivered, firstIndices.allSatisfy({ outcomes[$0] != nil }) else { return }
            delivered = true
            deliverFirst(firstIndices.map { outcomes[$0]! })
            for (recipe, shaped) in waiting {
                try deadline.check()
                try attempt(recipe) { () throws(MediaError) -> RenditionOutcome? in .rendered(try finish(shaped, recipe: recipes[recipe])) }
            }
            waiting = []
        }

        try deliverIfReady()
        for (position, step) in cascade.steps.enumerated() {
            try deadline.check()
            let recipe = recipes[step.recipe]
            try attempt(step.recipe) { () throws(MediaError) -> RenditionOutcome? in
                var shaped = try shape(step, recipe: recipe, from: { image(for: $0, atLeast: $1, base: base, made: made) })
                if cascade.isRead(step.recipe) {
                    shaped = try shaped.inMemory(deadline: deadline) { .vips("resize to \(step.target.width)×\(step.target.height): \($0)") }
                    made[step.recipe] = shaped
                }
                guard delivered || firstIndices.contains(step.recipe) else {
                    waiting.append((step.recipe, shaped))
                    return nil
                }
                return .rendered(try finish(shaped, recipe: recipe))
            }
            for index in cascade.releases[position] {
                made[index] = nil
            }
            try deliverIfReady()
        }
        if !delivered {
            for index in firstIndices where outcomes[index] == nil {
                outcomes[index] = .failed(name: recipes[index].name, reason: "not rendered")
            }
            try deliverIfReady()
        }
        return outcomes.enumerated().compactMap { index, outcome in
            guard !firstIndices.contains(index) else { return nil }
            return outcome ?? .failed(name: recipes[index].name, reason: "not rendered")
        }
    }

    /// The image a step reads; when that rendition failed, the smallest image made that is large
    /// enough, else the decode.
    private func image(for source: RenditionCascade.Source, atLeast size: PixelSize, base: LibvipsImage,
                       made: [Int: LibvipsImage]) -> LibvipsImage {
        if case let .rendition(index) = source, let image = made[index] { return image }
        return made.values
            .filter { $0.width >= size.width && $0.height >= size.height }
            .min { $0.width * $0.height < $1.width * $1.height } ?? base
    }

    private func finish(_ shaped: LibvipsImage, recipe: RenditionRecipe) throws(MediaError) -> RenderedImage {
        var image = shaped
        if let watermark = recipe.watermark {
            image = try WatermarkCompositor.apply(watermark, to: image)
        }
        image = try prepareAlpha(image, for: recipe.format)
        let (tagged, strip) = try withMetadata(image, keepCopyright: recipe.keepCopyright)
        let quality = min(100, max(1, recipe.quality))
        let data = try RenditionEncoder.encode(tagged, format: recipe.format, quality: quality, effort: recipe.effort,
                                               progressive: recipe.progressive ?? false, strip: strip, deadline: deadline)
        return RenderedImage(name: recipe.name, data: data, width: tagged.width, height: tagged.height,
                             format: recipe.format, quality: quality)
    }

    private func shape(_ step: RenditionCascade.Step, recipe: RenditionRecipe,
                       from image: (RenditionCascade.Source, PixelSize) -> LibvipsImage) throws(MediaError) -> LibvipsImage {
        guard let covering = step.covering else {
            return try resample(image(step.source, step.target), to: step.target)
        }
        if recipe.crop == .entropy {
            // Searched on the whole covering image, as before the cascade: entropy found on a
            // smaller copy picks other windows.
            let scaled = try resample(image(step.source, covering), to: covering)
                .inMemory(deadline: deadline) { .vips("resize to \(covering.width)×\(covering.height): \($0)") }
            let origin = try CropWindow.origin(.entropy, target: step.target, covering: covering, probe: scaled)
            return try cut(scaled, origin: origin, target: step.target, covering: covering)
        }
        let probe = step.probe.map { image($0, PixelSize(width: 1, height: 1)) }
        let origin = try CropWindow.origin(recipe.crop, target: step.target, covering: covering, probe: probe)
        return try cut(image(step.source, covering), origin: origin, target: step.target, covering: covering)
    }

    /// The `target` window at `origin` of the picture scaled to `covering`, taken from `image` (the
    /// same picture at another scale): the window's part of `image`, resampled to `target`.
    private func cut(_ image: LibvipsImage, origin: (x: Int, y: Int), target: PixelSize, covering: PixelSize) throws(MediaError) -> LibvipsImage {
        let scale = (x: Double(image.width) / Double(covering.width), y: Double(image.height) / Double(covering.height))
        let exact = (x: Double(origin.x) * scale.x, y: Double(origin.y) * scale.y,
                     width: Double(target.width) * scale.x, height: Double(target.height) * scale.y)
        let nearIdentity = abs(exact.width - Double(target.width)) <= 1 && abs(exact.height - Double(target.height)) <= 1
        var region = (x: Int(exact.x.rounded()), y: Int(exact.y.rounded()),
                      width: Int(exact.width.rounded()), height: Int(exact.height.rounded()))
        if nearIdentity && image.width >= target.width && image.height >= target.height {
            region.width = target.width
            region.height = target.height
        }
        region.width = min(max(1, region.width), image.width)
        region.height = min(max(1, region.height), image.height)
        region.x = min(max(0, region.x), image.width - region.width)
        region.y = min(max(0, region.y), image.height - region.height)
        let window = region
        let part = try LibvipsImage.make("crop") {
            sr_vips_crop(image.pointer, $0, Int32(window.x), Int32(window.y), Int32(window.width), Int32(window.height))
        }
        return try resample(part, to: target)
    }

    /// Exactly `size`. A resample that would move no pixel by more than one (an image one pixel
    /// larger) is a crop instead: Lanczos at a scale of 0.9995 only blurs.
    private func resample(_ image: LibvipsImage, to size: PixelSize) throws(MediaError) -> LibvipsImage {
        if image.width == size.width && image.height == size.height { return image }
        let excess = (x: image.width - size.width, y: image.height - size.height)
        if (0...1).contains(excess.x) && (0...1).contains(excess.y) {
            return try LibvipsImage.make("crop to \(size.width)×\(size.height)") {
                sr_vips_crop(image.pointer, $0, 0, 0, Int32(size.width), Int32(size.height))
            }
        }
        return try LibvipsImage.make("resize to \(size.width)×\(size.height)") {
            sr_vips_resize_exact(image.pointer, $0, Int32(size.width), Int32(size.height), Self.kernel)
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

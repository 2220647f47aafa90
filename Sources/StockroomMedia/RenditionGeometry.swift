/// Output sizes of renditions, and the one decode size that serves them all. Nothing is ever
/// upscaled: a source smaller than a box gives a smaller rendition.
struct PixelSize: Equatable, Sendable {
    var width: Int
    var height: Int
}

enum RenditionGeometry {
    /// The box of a recipe: `height` defaults to `width`.
    static func box(of recipe: RenditionRecipe) -> PixelSize {
        PixelSize(width: max(1, recipe.width), height: max(1, recipe.height ?? recipe.width))
    }

    /// `.inside`: the source scaled to fit the box, never enlarged.
    static func inside(source: PixelSize, box: PixelSize) -> PixelSize {
        let scale = min(1, Double(box.width) / Double(source.width), Double(box.height) / Double(source.height))
        return PixelSize(width: max(1, Int((Double(source.width) * scale).rounded())),
                         height: max(1, Int((Double(source.height) * scale).rounded())))
    }

    /// `.cover`: exactly the box, or when the source is too small for it, the largest box of
    /// exactly the same aspect ratio that the source covers (1080×1920 from a 1800×1200 source is
    /// 675×1200).
    static func cover(source: PixelSize, box: PixelSize) -> PixelSize {
        if source.width >= box.width && source.height >= box.height { return box }
        let divisor = gcd(box.width, box.height)
        let unit = PixelSize(width: box.width / divisor, height: box.height / divisor)
        let multiple = min(source.width / unit.width, source.height / unit.height)
        if multiple >= 1 { return PixelSize(width: unit.width * multiple, height: unit.height * multiple) }
        // An aspect ratio with no exact integer multiple inside the source: nearest fit.
        let scale = min(Double(source.width) / Double(box.width), Double(source.height) / Double(box.height))
        return PixelSize(width: max(1, Int(Double(box.width) * scale)), height: max(1, Int(Double(box.height) * scale)))
    }

    /// The scale (≤ 1) of the source one decode must reach so every recipe can be cut from it.
    static func decodeScale(source: PixelSize, recipes: [RenditionRecipe]) -> Double {
        var scale = 0.0
        for recipe in recipes {
            let box = box(of: recipe)
            switch recipe.fit {
            case .inside:
                let size = inside(source: source, box: box)
                scale = max(scale, Double(size.width) / Double(source.width), Double(size.height) / Double(source.height))
            case .cover:
                let size = cover(source: source, box: box)
                scale = max(scale, Double(size.width) / Double(source.width), Double(size.height) / Double(source.height))
            }
        }
        return min(1, max(scale, 1 / Double(max(source.width, source.height))))
    }

    /// `.cover`: the whole source scaled so that it just covers `target` (which `cover` returned),
    /// the image a cover rendition is cut from.
    static func covering(source: PixelSize, target: PixelSize) -> PixelSize {
        let scale = max(Double(target.width) / Double(source.width), Double(target.height) / Double(source.height))
        return PixelSize(width: max(target.width, Int((Double(source.width) * scale).rounded())),
                         height: max(target.height, Int((Double(source.height) * scale).rounded())))
    }

    /// The largest libjpeg DCT scale-down (8, 4, 2 or 1) whose output, ceil(size / shrink), is
    /// still at least `scale` × the source in both directions. Never more than the shorter side:
    /// libvips 8.14's jpegload asked to shrink a 1 × 1 JPEG by 8 makes a 0-pixel image and
    /// aborts the process on its own sanity assertion.
    static func jpegShrink(source: PixelSize, scale: Double) -> Int {
        let needed = PixelSize(width: Int((Double(source.width) * scale - 1e-6).rounded(.up)),
                               height: Int((Double(source.height) * scale - 1e-6).rounded(.up)))
        for shrink in [8, 4, 2] where source.width >= shrink && source.height >= shrink {
            if (source.width + shrink - 1) / shrink >= needed.width && (source.height + shrink - 1) / shrink >= needed.height {
                return shrink
            }
        }
        return 1
    }

    /// The box to give shrink-on-load so the decoded image is at least `scale` × the source.
    static func decodeBox(source: PixelSize, scale: Double) -> PixelSize {
        if scale >= 1 { return source }
        return PixelSize(width: min(source.width, Int((Double(source.width) * scale).rounded(.up)) + 1),
                         height: min(source.height, Int((Double(source.height) * scale).rounded(.up)) + 1))
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }
}

import Foundation
internal import CVips
internal import CMediaShim

/// Which base image each recipe is cut from, for sources that need more than one: a logo's JPEG
/// renditions on a matte that keeps it visible, crops that letterbox a whole mark instead of
/// cutting it, and multi-page sheets of a document. Every group still goes through
/// `RenditionMaker`, one call per distinct base, and the outcomes come back in recipe order.
struct RenditionPlan {
    /// An sRGB colour, 0…255 per channel.
    struct Colour: Hashable {
        var red: Double
        var green: Double
        var blue: Double
        static let white = Colour(red: 255, green: 255, blue: 255)
        static let charcoal = Colour(red: 38, green: 38, blue: 38)
        static let sheetGrey = Colour(red: 228, green: 228, blue: 228)
    }

    /// The base most recipes are cut from (8-bit sRGB, maybe with alpha, in memory).
    var base: VisualSource
    /// JPEG recipes get `base` flattened on this colour (otherwise the maker flattens on white).
    var jpegMatte: Colour?
    /// Cover recipes get the whole drawing centred on a transparent canvas of their aspect ratio.
    var letterboxCovers = false
    /// A base of its own for a recipe (a page sheet), or nil for `base`. Keyed by what it depends on.
    var special: ((RenditionRecipe) throws(MediaError) -> (key: String, source: VisualSource)?)?

    func render(_ recipes: [RenditionRecipe], rights: DerivativeRights?, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        var groups: [(key: String, source: VisualSource, recipes: [RenditionRecipe])] = []
        var cache: [String: VisualSource] = [:]
        var failures: [String: String] = [:]
        for recipe in recipes {
            try deadline.check()
            var key = "base"
            var source = base
            do throws(MediaError) {
                if let special, let own = try special(recipe) {
                    key = own.key
                    source = own.source
                } else if letterboxCovers, recipe.fit == .cover {
                    let box = RenditionGeometry.box(of: recipe)
                    key = "letterbox-\(box.width)x\(box.height)"
                    if let cached = cache[key] { source = cached } else {
                        source = try Self.letterbox(base, box: box, deadline: deadline)
                        cache[key] = source
                    }
                }
                if recipe.format == .jpeg, let matte = jpegMatte, source.base.hasAlpha {
                    let flatKey = key + "-flat"
                    if let cached = cache[flatKey] { source = cached } else {
                        source = try Self.flatten(source, on: matte, deadline: deadline)
                        cache[flatKey] = source
                    }
                    key = flatKey
                }
            } catch {
                if case .timedOut = error { throw error }
                failures[recipe.name] = error.description
                continue
            }
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].recipes.append(recipe)
            } else {
                groups.append((key: key, source: source, recipes: [recipe]))
            }
        }
        var byName: [String: RenditionOutcome] = [:]
        let maker = RenditionMaker(deadline: deadline, rights: rights)
        for group in groups where !group.recipes.isEmpty {
            for outcome in try maker.render(base: group.source.base, source: group.source.size, recipes: group.recipes) {
                switch outcome {
                case let .rendered(image): byName[image.name] = outcome
                case let .failed(name, _): byName[name] = outcome
                }
            }
        }
        return recipes.map { recipe in
            if let reason = failures[recipe.name] { return .failed(name: recipe.name, reason: reason) }
            return byName[recipe.name] ?? .failed(name: recipe.name, reason: "not rendered")
        }
    }

    /// `source` flattened on `colour`, 8-bit, in memory.
    static func flatten(_ source: VisualSource, on colour: Colour, deadline: Deadline) throws(MediaError) -> VisualSource {
        let image = source.base
        let flat = try LibvipsImage.make("flatten on the matte") { sr_vips_flatten_on(image.pointer, $0, colour.red, colour.green, colour.blue) }
        let cast = flat.bandFormat == VIPS_FORMAT_UCHAR ? flat : try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(flat.pointer, $0) }
        let base = try cast.inMemory(deadline: deadline) { .vips("cannot flatten: \($0)") }
        return VisualSource(base: base, size: PixelSize(width: base.width, height: base.height))
    }

    /// The whole drawing, 80 % of the canvas's constraining side, centred on a transparent canvas
    /// with the box's aspect ratio.
    static func letterbox(_ source: VisualSource, box: PixelSize, deadline: Deadline) throws(MediaError) -> VisualSource {
        let image = source.base
        let width = Double(image.width)
        let height = Double(image.height)
        let boxRatio = Double(box.width) / Double(box.height)
        var canvasWidth: Double
        var canvasHeight: Double
        if width / height > boxRatio {
            canvasWidth = width / 0.8
            canvasHeight = canvasWidth / boxRatio
        } else {
            canvasHeight = height / 0.8
            canvasWidth = canvasHeight * boxRatio
        }
        let canvas = PixelSize(width: max(image.width, Int(canvasWidth.rounded())), height: max(image.height, Int(canvasHeight.rounded())))
        var withAlpha = image
        if !image.hasAlpha {
            withAlpha = try LibvipsImage.make("add alpha") { sr_vips_fade_alpha(image.pointer, $0, 1.0) }
        }
        let alphaImage = withAlpha
        let placed = try LibvipsImage.make("letterbox") {
            sr_vips_embed(alphaImage.pointer, $0, Int32((canvas.width - image.width) / 2), Int32((canvas.height - image.height) / 2),
                          Int32(canvas.width), Int32(canvas.height))
        }
        let base = try placed.inMemory(deadline: deadline) { .vips("cannot letterbox: \($0)") }
        return VisualSource(base: base, size: canvas)
    }
}

import Foundation
internal import CVips
internal import CMediaShim

/// SVG logos and drawings: inspected as XML (`SVGInspection`), rasterized by librsvg through
/// libvips at the size the largest recipe needs. Clients only ever get the raster renditions.
/// librsvg is given the file with no base URL, so it resolves no external reference (only
/// `data:` images); scripts are never run by a rasterizer.
enum SVGMedia {
    /// A drawing is rasterized with at most this longest edge.
    static let maxEdge = 4096

    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let bytes = try FileBytes.map(path, limit: configuration.documentLimits.maxSVGBytes, what: "SVG")
        let vector = try SVGInspection.inspect(bytes)
        let header = try LibvipsImage.make("cannot read the SVG", as: MediaError.corrupt) { sr_vips_open_header(path, $0) }
        var description = MediaDescription(kind: .image, format: "svg", mimeType: "image/svg+xml")
        description.image = ImageInfo(width: header.width, height: header.height, bands: header.bands, bitDepth: 8,
                                      colorSpace: "srgb", iccProfileName: nil, hasAlpha: true, pageCount: 1, orientation: 1, format: "svg")
        description.vector = vector
        if let title = vector.title {
            var xmp = XMPInfo()
            xmp.title = title
            xmp.description = vector.summary
            description.xmp = xmp
        }
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let bytes = try FileBytes.map(path, limit: configuration.documentLimits.maxSVGBytes, what: "SVG")
        _ = try SVGInspection.inspect(bytes)
        let header = try LibvipsImage.make("cannot read the SVG", as: MediaError.corrupt) { sr_vips_open_header(path, $0) }
        let intrinsic = (width: Double(max(1, header.width)), height: Double(max(1, header.height)))
        let scale = VectorScale.forRecipes(recipes, intrinsic: intrinsic, maxScale: .infinity, maxEdge: maxEdge,
                                           maxPixels: configuration.maxPixels)
        try deadline.check()
        let drawn = try LibvipsImage.make("cannot rasterize the SVG", as: MediaError.corrupt) { sr_vips_svgload_scaled(path, scale, $0) }
        try PixelLimit.check(width: drawn.width, height: drawn.height, pages: 1, limit: configuration.maxPixels)
        let srgb = try ColourNormalisation.toSRGB8(drawn)
        let base = try srgb.inMemory(deadline: deadline) { .corrupt("cannot rasterize the SVG: \($0)") }
        var plan = RenditionPlan(base: VisualSource(base: base, size: PixelSize(width: base.width, height: base.height)))
        plan.letterboxCovers = true
        plan.jpegMatte = try Matte.behind(base)
        return try plan.render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

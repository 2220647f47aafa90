import Foundation
internal import CVips
internal import CMediaShim

/// SVG logos and drawings: inspected as XML (`SVGInspection`), rasterized by librsvg through
/// libvips at the size the largest recipe needs. Clients only ever get the raster renditions.
/// librsvg is given the bytes, not the file: with no base URL it resolves no reference to another
/// file (a sibling image, another blob), only `data:` images; scripts are never run by a rasterizer.
enum SVGMedia {
    /// A drawing is rasterized with at most this longest edge.
    static let maxEdge = 4096

    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let bytes = try FileBytes.map(path, limit: configuration.documentLimits.maxSVGBytes, what: "SVG")
        let vector = try SVGInspection.inspect(bytes)
        let drawing = SVGBuffer(bytes)
        let header = try drawing.header()
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
        let drawing = SVGBuffer(bytes)
        let header = try drawing.header()
        let intrinsic = (width: Double(max(1, header.width)), height: Double(max(1, header.height)))
        let scale = VectorScale.forRecipes(recipes, intrinsic: intrinsic, maxScale: .infinity, maxEdge: maxEdge,
                                           maxPixels: configuration.maxPixels)
        try deadline.check()
        let base = try drawing.raster(scale: scale, maxPixels: configuration.maxPixels, deadline: deadline)
        var plan = RenditionPlan(base: VisualSource(base: base, size: PixelSize(width: base.width, height: base.height)))
        plan.letterboxCovers = true
        plan.jpegMatte = try Matte.behind(base)
        return try plan.render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

/// An SVG's bytes in memory that libvips reads in place: kept alive until the drawing has been
/// rasterized into memory of its own.
final class SVGBuffer {
    private let buffer: UnsafeMutableRawBufferPointer

    init(_ bytes: Data) {
        buffer = .allocate(byteCount: max(1, bytes.count), alignment: 16)
        bytes.copyBytes(to: buffer)
        count = bytes.count
    }

    private let count: Int

    deinit { buffer.deallocate() }

    func header() throws(MediaError) -> LibvipsImage {
        let base = buffer.baseAddress
        let length = count
        let image = try LibvipsImage.make("cannot read the SVG", as: MediaError.corrupt) { sr_vips_svgload_buffer_scaled(base, length, 1, $0) }
        return image
    }

    /// 8-bit sRGB with alpha, in memory (so the buffer may go).
    func raster(scale: Double, maxPixels: Int, deadline: Deadline) throws(MediaError) -> LibvipsImage {
        let base = buffer.baseAddress
        let length = count
        let drawn = try LibvipsImage.make("cannot rasterize the SVG", as: MediaError.corrupt) { sr_vips_svgload_buffer_scaled(base, length, scale, $0) }
        try PixelLimit.check(width: drawn.width, height: drawn.height, pages: 1, limit: maxPixels)
        let srgb = try ColourNormalisation.toSRGB8(drawn)
        return try srgb.inMemory(deadline: deadline) { .corrupt("cannot rasterize the SVG: \($0)") }
    }
}

import Foundation

/// What an SVG declares on its root element. The drawing itself is only ever rasterized.
public struct VectorInfo: Sendable, Codable, Equatable {
    /// viewBox as [minX, minY, width, height].
    public var viewBox: [Double]?
    /// The root's width and height attributes as written ("24", "10cm", "100%").
    public var declaredWidth: String?
    public var declaredHeight: String?
    /// The first `<title>` and `<desc>` of the root.
    public var title: String?
    public var summary: String?
    /// Scripts and event handlers found (never run: renditions are raster images).
    public var hasScript: Bool = false
    /// href/xlink:href values that point outside the file (not `#fragment` or `data:`), which
    /// librsvg does not load here.
    public var externalReferenceCount: Int = 0
    public var elementCount: Int = 0

    public init() {}
}

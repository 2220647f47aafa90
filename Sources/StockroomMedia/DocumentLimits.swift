import Foundation

/// Bounds on the work and memory one document may cost, beside `maxPixels` and the time limit.
/// A file over a hard bound fails with a reason; soft bounds (text) stop reading and say so.
public struct DocumentLimits: Sendable, Codable, Hashable {
    /// PDF pages whose text is read for the extract and the word count (soft).
    public var maxTextPages: Int
    /// UTF-8 bytes of text kept for the full-text index (soft).
    public var maxTextExtractBytes: Int
    /// Text and Markdown files: bytes read (soft; counts then cover the first part).
    public var maxTextFileBytes: Int
    /// Pages a multi-page preview may lay out, whatever a recipe asks.
    public var maxPreviewPages: Int
    /// Office/OpenDocument: size of the ZIP file, number of entries, bytes of one inflated part,
    /// bytes inflated in all, and the inflated/deflated ratio of a large part (zip bombs).
    public var maxArchiveBytes: Int
    public var maxArchiveEntries: Int
    public var maxArchivePartBytes: Int
    public var maxArchiveInflatedBytes: Int
    public var maxCompressionRatio: Int
    /// Font files larger than this are refused (the largest CJK fonts are about 20 MB).
    public var maxFontBytes: Int
    /// SVG files larger than this are refused before librsvg sees them.
    public var maxSVGBytes: Int
    /// Photoshop: layers beyond this are refused as damage (Photoshop's own limit is 8000);
    /// names kept in the description.
    public var maxLayers: Int
    public var maxLayerNames: Int

    public init(maxTextPages: Int = 2000, maxTextExtractBytes: Int = 1 << 20, maxTextFileBytes: Int = 16 << 20,
                maxPreviewPages: Int = 9, maxArchiveBytes: Int = 1 << 30, maxArchiveEntries: Int = 20_000,
                maxArchivePartBytes: Int = 64 << 20, maxArchiveInflatedBytes: Int = 256 << 20, maxCompressionRatio: Int = 200,
                maxFontBytes: Int = 64 << 20, maxSVGBytes: Int = 32 << 20, maxLayers: Int = 10_000, maxLayerNames: Int = 1000) {
        self.maxTextPages = maxTextPages
        self.maxTextExtractBytes = maxTextExtractBytes
        self.maxTextFileBytes = maxTextFileBytes
        self.maxPreviewPages = maxPreviewPages
        self.maxArchiveBytes = maxArchiveBytes
        self.maxArchiveEntries = maxArchiveEntries
        self.maxArchivePartBytes = maxArchivePartBytes
        self.maxArchiveInflatedBytes = maxArchiveInflatedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxFontBytes = maxFontBytes
        self.maxSVGBytes = maxSVGBytes
        self.maxLayers = maxLayers
        self.maxLayerNames = maxLayerNames
    }
}

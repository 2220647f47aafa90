import Foundation

/// What a design file says about itself: Photoshop PSD/PSB, Illustrator, EPS.
public struct DesignInfo: Sendable, Codable, Equatable {
    /// "Adobe Photoshop", "Adobe Illustrator", or the EPS creator.
    public var application: String?
    /// Canvas size in pixels (PSD) or points (Illustrator/EPS artboard or bounding box).
    public var width: Int
    public var height: Int
    /// "rgb", "cmyk", "grayscale", "lab", "indexed", "bitmap", "duotone", "multichannel".
    public var colorMode: String?
    public var bitDepth: Int?
    public var channels: Int?
    /// Layers, not counting the hidden markers that close a group.
    public var layerCount: Int = 0
    /// Layer names, bottom to top, at most `DocumentLimits.maxLayerNames` of them.
    public var layerNames: [String] = []
    public var groupCount: Int = 0
    public var textLayerCount: Int = 0
    public var artboardCount: Int = 0
    /// Fonts named by text layers or the document.
    public var fonts: [String] = []
    /// Pixels per inch from the resolution resource.
    public var resolution: Double?
    /// The flattened image Photoshop saves beside the layers ("maximize compatibility").
    public var hasComposite: Bool = false
    /// The small JPEG preview in the image resources.
    public var hasThumbnail: Bool = false
    public var iccProfileName: String?
    public var title: String?

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

import Foundation

/// The structure of a Photoshop file (PSD, or PSB for large documents) as `PhotoshopReader`
/// finds it: header, image resources, layers, and where the flattened composite starts.
struct PhotoshopDocument: Sendable {
    enum ColorMode: Int, Sendable {
        case bitmap = 0, grayscale = 1, indexed = 2, rgb = 3, cmyk = 4, multichannel = 7, duotone = 8, lab = 9

        var name: String {
            switch self {
            case .bitmap: "bitmap"
            case .grayscale: "grayscale"
            case .indexed: "indexed"
            case .rgb: "rgb"
            case .cmyk: "cmyk"
            case .multichannel: "multichannel"
            case .duotone: "duotone"
            case .lab: "lab"
            }
        }

        /// Channels the composite's colour needs (before any merged alpha).
        var colourChannels: Int {
            switch self {
            case .rgb, .lab: 3
            case .cmyk: 4
            case .bitmap, .grayscale, .indexed, .multichannel, .duotone: 1
            }
        }
    }

    struct Layer: Sendable, Equatable {
        enum Kind: String, Sendable { case pixel, group, text, smartObject }
        var name: String
        var kind: Kind
        var isArtboard: Bool
    }

    /// PSB: widths to 300 000 pixels and 8-byte lengths.
    var isLarge: Bool
    var channels: Int
    var width: Int
    var height: Int
    /// 1, 8, 16 or 32 bits per channel.
    var depth: Int
    var colorMode: ColorMode
    /// Indexed colour: 256 red, then green, then blue values.
    var palette: [UInt8] = []
    var resolution: Double?
    /// The JPEG of the thumbnail resource (1036, or 1033 from Photoshop 4, whose colours are BGR).
    var thumbnail: Data?
    var thumbnailIsBGR = false
    var xmp: Data?
    var iptc: Data?
    var icc: Data?
    var exif: Data?
    /// From the version-info resource: whether the composite holds the real merged image
    /// (false when saved without "maximize compatibility"). Nil when the resource is absent.
    var hasRealMergedData: Bool?
    var writerName: String?
    var layers: [Layer] = []
    /// Layer records the file declared, including the hidden markers that close groups.
    var layerRecordCount = 0
    /// The first extra channel of the composite is the merged transparency (layer count < 0).
    var hasMergedAlpha = false
    /// The text of type layers, in layer order, and the fonts they use.
    var texts: [String] = []
    var fonts: [String] = []
    /// Byte offset of the image data section (its compression field).
    var compositeOffset: Int
}

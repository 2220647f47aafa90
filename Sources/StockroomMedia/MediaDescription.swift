import Foundation

/// What the media engine found in a file: its kind and every technical and descriptive field it
/// could read. Values are plain Swift; nothing here refers to a C type.
public struct MediaDescription: Sendable, Codable, Equatable {
    public var kind: MediaKind
    /// Short format name: "jpeg", "png", "webp", "gif", "tiff", "heif", "mp4", "webm", "matroska", "mp3", "flac",
    /// "svg", "pdf", "ai", "eps", "psd", "psb", "docx", "pptx", "xlsx", "odt", "odp", "ods", "ttf", "otf", "woff",
    /// "woff2", "ttc", "text", "markdown"…
    public var format: String
    public var mimeType: String
    public var image: ImageInfo?
    public var exif: ExifInfo?
    public var xmp: XMPInfo?
    public var iptc: IPTCInfo?
    public var av: AVInfo?
    /// PDF, Office/OpenDocument, plain text and Markdown.
    public var document: DocumentInfo?
    /// Photoshop, Illustrator and EPS files.
    public var design: DesignInfo?
    /// TrueType, OpenType, WOFF and WOFF2 fonts.
    public var font: FontInfo?
    /// SVG: what the drawing declares about itself.
    public var vector: VectorInfo?
    /// The words of a document, for the full-text index; bounded by `DocumentLimits.maxTextExtractBytes`.
    public var textExtract: TextExtract?

    public init(kind: MediaKind, format: String, mimeType: String) {
        self.kind = kind
        self.format = format
        self.mimeType = mimeType
    }
}

public enum MediaKind: String, Sendable, Codable, Equatable {
    case image, video, audio, document, design, font
}

/// Raster facts, with width/height as displayed (after EXIF orientation is applied).
public struct ImageInfo: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var bands: Int
    /// Bits per sample: 8, 16, 32…
    public var bitDepth: Int
    /// libvips interpretation in lowercase: "srgb", "cmyk", "b-w", "rgb16", "grey16", "lab"…
    public var colorSpace: String
    /// Description from the embedded ICC profile, if there is one.
    public var iccProfileName: String?
    public var hasAlpha: Bool
    /// Pages or animation frames.
    public var pageCount: Int
    /// EXIF orientation 1–8 as stored (1 when absent).
    public var orientation: Int
    public var format: String

    public init(width: Int, height: Int, bands: Int, bitDepth: Int, colorSpace: String, iccProfileName: String?,
                hasAlpha: Bool, pageCount: Int, orientation: Int, format: String) {
        self.width = width
        self.height = height
        self.bands = bands
        self.bitDepth = bitDepth
        self.colorSpace = colorSpace
        self.iccProfileName = iccProfileName
        self.hasAlpha = hasAlpha
        self.pageCount = pageCount
        self.orientation = orientation
        self.format = format
    }
}

/// EXIF fields read through libexif.
public struct ExifInfo: Sendable, Codable, Equatable {
    public var make: String?
    public var model: String?
    public var lensModel: String?
    /// Seconds, e.g. 0.004 for 1/250.
    public var exposureTime: Double?
    public var fNumber: Double?
    public var iso: Int?
    /// Millimetres.
    public var focalLength: Double?
    public var focalLength35mm: Int?
    /// Whether the flash fired (EXIF Flash bit 0), and libexif's text for the full value.
    public var flashFired: Bool?
    public var flash: String?
    /// As written in the file: "2024:06:01 14:03:22".
    public var dateTimeOriginal: String?
    /// "+02:00" when the file carries OffsetTimeOriginal.
    public var offsetTimeOriginal: String?
    /// `dateTimeOriginal` as an instant: with its offset when present, else read as UTC.
    public var capturedAt: Date?
    /// Signed decimal degrees (south and west negative).
    public var gpsLatitude: Double?
    public var gpsLongitude: Double?
    /// Metres; negative below sea level.
    public var gpsAltitude: Double?
    public var orientation: Int?
    public var artist: String?
    public var copyright: String?
    public var software: String?
    public var imageDescription: String?

    public init() {}
}

/// Fields read from an XMP packet (embedded or a sidecar `.xmp`).
public struct XMPInfo: Sendable, Codable, Equatable {
    /// dc:subject.
    public var keywords: [String] = []
    /// dc:creator.
    public var creators: [String] = []
    /// dc:rights.
    public var rights: String?
    /// xmpRights:UsageTerms.
    public var usageTerms: String?
    /// xmpRights:WebStatement (a licence URL).
    public var webStatement: String?
    /// xmpRights:Marked: true when the work is rights-managed, false when public domain.
    public var marked: Bool?
    /// dc:title and dc:description.
    public var title: String?
    public var description: String?

    public init() {}
}

/// Fields of the IPTC-IIM application record.
public struct IPTCInfo: Sendable, Codable, Equatable {
    /// 2:25.
    public var keywords: [String] = []
    /// 2:80.
    public var byline: String?
    /// 2:116.
    public var copyrightNotice: String?
    /// 2:120.
    public var caption: String?
    /// 2:05.
    public var objectName: String?

    public init() {}
}

/// Container and stream facts read through libavformat.
public struct AVInfo: Sendable, Codable, Equatable {
    /// libavformat's container name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mp3", "flac".
    public var container: String
    /// Seconds; from the container, else the longest stream, else `nil`.
    public var durationSeconds: Double?
    /// Bits per second.
    public var bitRate: Int64?
    public var streams: [AVStreamInfo]
    /// Container tags, keys lowercased: title, artist, album, creation_time, encoder…
    public var tags: [String: String]
    /// Audio files with embedded cover art (an attached picture stream).
    public var hasCoverArt: Bool

    public init(container: String, durationSeconds: Double?, bitRate: Int64?, streams: [AVStreamInfo],
                tags: [String: String], hasCoverArt: Bool) {
        self.container = container
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.streams = streams
        self.tags = tags
        self.hasCoverArt = hasCoverArt
    }

    public var firstVideo: AVStreamInfo? { streams.first { $0.type == .video && !$0.isAttachedPicture } }
    public var firstAudio: AVStreamInfo? { streams.first { $0.type == .audio } }
}

public struct AVStreamInfo: Sendable, Codable, Equatable {
    public enum StreamType: String, Sendable, Codable { case video, audio, subtitle, data, attachment, unknown }

    public var index: Int
    public var type: StreamType
    /// Codec short name: "h264", "vp9", "aac", "mp3", "flac", "mjpeg"…
    public var codec: String
    public var codecLongName: String?
    public var width: Int?
    public var height: Int?
    /// Frames per second (average frame rate), e.g. 29.97.
    public var frameRate: Double?
    /// Degrees of display rotation from the display matrix (0, 90, 180, 270).
    public var rotation: Int?
    public var pixelFormat: String?
    public var sampleRate: Int?
    public var channels: Int?
    /// e.g. "stereo", "5.1".
    public var channelLayout: String?
    public var bitRate: Int64?
    public var durationSeconds: Double?
    /// True for cover art in audio files.
    public var isAttachedPicture: Bool

    public init(index: Int, type: StreamType, codec: String) {
        self.index = index
        self.type = type
        self.codec = codec
        self.isAttachedPicture = false
    }
}

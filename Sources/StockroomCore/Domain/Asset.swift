import Foundation

/// A catalogued piece of media with its descriptive, technical and rights metadata.
/// The bytes live in versions (`AssetVersion`); derived images in renditions (`Rendition`).
public struct Asset: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var libraryId: Int64
    public var folderId: Int64?
    public var name: String
    public var slug: String
    public var description: String?
    public var assetType: AssetType
    /// Where the file came from, relative to the watch folder or ingest root; the identity used to
    /// recognise "same path, new content" as a new version.
    public var sourcePath: String?
    public var mimeType: String?
    public var byteSize: Int64?
    /// SHA-256 of the current version's bytes.
    public var contentHash: String?
    /// Everything extracted, as a JSON document (EXIF, XMP, streams, container tags).
    public var metadata: JSONValue

    // Typed columns for what queries filter on.
    public var width: Int?
    public var height: Int?
    public var durationSeconds: Double?
    public var capturedAt: Date?
    public var cameraMake: String?
    public var cameraModel: String?
    public var lensModel: String?
    public var gpsLatitude: Double?
    public var gpsLongitude: Double?
    public var gpsAltitude: Double?
    public var videoCodec: String?
    public var audioCodec: String?
    public var frameRate: Double?
    public var sampleRate: Int?
    public var audioChannels: Int?
    public var bitRate: Int64?
    public var creator: String?
    /// Documents: pages (PDF, word processing; a deck's slides; an Illustrator file's artboards).
    public var pageCount: Int?
    public var wordCount: Int?
    /// Design files: layers (Photoshop).
    public var layerCount: Int?

    public var status: AssetStatus
    public var approvedBy: String?
    public var approvedAt: Date?

    public var downloadCount: Int
    public var lastDownloadedAt: Date?

    public var license: LicenseType?
    public var licenseDetails: JSONValue?
    public var expiresAt: Date?
    public var copyrightHolder: String?
    public var copyrightYear: Int?
    public var usageRights: String?

    public var sourceType: AssetSourceType
    public var sourceUrl: String?
    public var externalId: String?

    public var createdBy: String
    public var lastEditedBy: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: String = Organization.defaultId, libraryId: Int64, folderId: Int64?,
        name: String, slug: String, assetType: AssetType, status: AssetStatus = .pending,
        sourceType: AssetSourceType = .upload, createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.organizationId = organizationId
        self.libraryId = libraryId
        self.folderId = folderId
        self.name = name
        self.slug = slug
        self.assetType = assetType
        self.metadata = .object([:])
        self.status = status
        self.downloadCount = 0
        self.sourceType = sourceType
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
    }
}

public enum AssetType: String, Codable, Sendable, CaseIterable {
    case imagePhoto = "IMAGE_PHOTO", imageGraphic = "IMAGE_GRAPHIC", imageIcon = "IMAGE_ICON", imageLogo = "IMAGE_LOGO"
    case videoRaw = "VIDEO_RAW", videoEdited = "VIDEO_EDITED", videoMotion = "VIDEO_MOTION"
    case audioMusic = "AUDIO_MUSIC", audioVoiceover = "AUDIO_VOICEOVER", audioSfx = "AUDIO_SFX"
    case docCopy = "DOC_COPY", docBrief = "DOC_BRIEF", docPresentation = "DOC_PRESENTATION", docReport = "DOC_REPORT"
    case designSource = "DESIGN_SOURCE", designTemplate = "DESIGN_TEMPLATE"
    case threeDModel = "THREE_D_MODEL", arAsset = "AR_ASSET"
    case font = "FONT", other = "OTHER"

    /// The broad family used by `type:image` style queries.
    public var family: String {
        let raw = rawValue
        if raw.hasPrefix("IMAGE_") { return "image" }
        if raw.hasPrefix("VIDEO_") { return "video" }
        if raw.hasPrefix("AUDIO_") { return "audio" }
        if raw.hasPrefix("DOC_") { return "document" }
        if raw.hasPrefix("DESIGN_") { return "design" }
        switch self {
        case .threeDModel, .arAsset: return "3d"
        case .font: return "font"
        default: return "other"
        }
    }
}

public enum AssetStatus: String, Codable, Sendable, CaseIterable {
    case pending = "PENDING", approved = "APPROVED", rejected = "REJECTED", archived = "ARCHIVED", expired = "EXPIRED"
}

public enum AssetSourceType: String, Codable, Sendable, CaseIterable {
    case upload = "UPLOAD", `import` = "IMPORT", stock = "STOCK", generated = "GENERATED"
    case capture = "CAPTURE", external = "EXTERNAL"
}

public enum LicenseType: String, Codable, Sendable, CaseIterable {
    case owned = "OWNED", exclusive = "EXCLUSIVE", royaltyFree = "ROYALTY_FREE", rightsManaged = "RIGHTS_MANAGED"
    case creativeCommons = "CREATIVE_COMMONS", editorialOnly = "EDITORIAL_ONLY", internalOnly = "INTERNAL_ONLY"
    case clientProvided = "CLIENT_PROVIDED", unknown = "UNKNOWN"

    /// Accepts `ROYALTY_FREE`, `royalty_free`, `royalty-free`.
    public init?(userInput: String) {
        let normalized = userInput.uppercased().replacingOccurrences(of: "-", with: "_")
        self.init(rawValue: normalized)
    }
}

/// A tag as stored: display case kept, matched case-insensitively through `normalized`.
public struct Tag: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var name: String
    public var normalized: String

    public init(id: Int64? = nil, organizationId: String = Organization.defaultId, name: String) {
        self.id = id
        self.organizationId = organizationId
        self.name = Tag.clean(name)
        self.normalized = Tag.normalize(name)
    }

    /// Trims whitespace around the tag and around each `/` level, collapses inner runs of spaces.
    public static func clean(_ name: String) -> String {
        name.split(separator: "/", omittingEmptySubsequences: true)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "/")
    }

    public static func normalize(_ name: String) -> String { clean(name).lowercased() }
}

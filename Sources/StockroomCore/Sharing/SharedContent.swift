import Foundation

/// What a share link shows: the title and the assets it reaches right now.
public struct SharedContent: Sendable, Equatable {
    public var title: String
    public var description: String?
    public var assets: [SharedAsset]
    public var downloadsAllowed: Bool

    public init(title: String, description: String?, assets: [SharedAsset], downloadsAllowed: Bool) {
        self.title = title
        self.description = description
        self.assets = assets
        self.downloadsAllowed = downloadsAllowed
    }
}

/// One asset reachable through a share link, with the files a client may see.
public struct SharedAsset: Sendable, Equatable {
    public var asset: Asset
    public var version: AssetVersion?
    /// Completed renditions that have bytes.
    public var renditions: [Rendition]
    /// Rendition types still being made (PENDING): the page shows a placeholder for them.
    public var pendingRenditionTypes: Set<RenditionType>
    public var note: String?

    public init(asset: Asset, version: AssetVersion?, renditions: [Rendition], pendingRenditionTypes: Set<RenditionType> = [],
                note: String?) {
        self.asset = asset
        self.version = version
        self.renditions = renditions
        self.pendingRenditionTypes = pendingRenditionTypes
        self.note = note
    }

    public var id: Int64 { asset.id! }

    public func rendition(_ type: RenditionType) -> Rendition? {
        renditions.first { $0.renditionType == type }
    }

    /// The best small picture for a grid tile.
    public var thumbnail: Rendition? {
        [.thumbnailMedium, .thumbnailLarge, .thumbnailSmall, .webOptimized, .preview, .lowRes].lazy.compactMap(rendition).first
    }

    /// The best large picture (or video) for the detail view.
    public var preview: Rendition? {
        [.previewVideo, .preview, .webOptimized, .thumbnailLarge, .thumbnailMedium, .thumbnailSmall].lazy.compactMap(rendition).first
    }

    /// Whether an asset may appear in a share at `now`: not withdrawn and its license still valid.
    public static func isShareable(_ asset: Asset, at now: Date) -> Bool {
        switch asset.status {
        case .expired, .archived, .rejected: return false
        case .pending, .approved: break
        }
        if let expiresAt = asset.expiresAt, expiresAt < now { return false }
        return true
    }
}

/// One asset reached through a link, with whether the link lets it be downloaded.
public struct SharedAssetAccess: Sendable, Equatable {
    public var asset: SharedAsset
    public var downloadsAllowed: Bool
}

/// A bytes source for a download: a blob with its name and type.
public struct SharedFile: Sendable, Equatable {
    public var blobHash: String
    public var filename: String
    public var mimeType: String
    public var byteSize: Int64?
    /// `ORIGINAL` or a rendition type, for the access log.
    public var label: String

    public init(blobHash: String, filename: String, mimeType: String, byteSize: Int64?, label: String) {
        self.blobHash = blobHash
        self.filename = filename
        self.mimeType = mimeType
        self.byteSize = byteSize
        self.label = label
    }
}

extension SharedAsset {
    public var originalFile: SharedFile? {
        guard let version else { return nil }
        return SharedFile(blobHash: version.blobHash, filename: version.originalFilename, mimeType: version.mimeType,
                          byteSize: version.byteSize, label: "ORIGINAL")
    }

    public func renditionFile(_ type: RenditionType) -> SharedFile? {
        guard let rendition = rendition(type), let hash = rendition.blobHash else { return nil }
        let format = (rendition.format ?? "bin").lowercased()
        let stem = version.map { ($0.originalFilename as NSString).deletingPathExtension } ?? asset.slug
        return SharedFile(blobHash: hash, filename: "\(stem)-\(type.rawValue.lowercased().replacingOccurrences(of: "_", with: "-")).\(format)",
                          mimeType: MediaTypes.mimeType(forFormat: format), byteSize: rendition.byteSize, label: type.rawValue)
    }
}

/// MIME types of the formats renditions are written in.
public enum MediaTypes {
    public static func mimeType(forFormat format: String) -> String {
        switch format.lowercased() {
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "gif": return "image/gif"
        case "heic", "heif": return "image/heif"
        case "tif", "tiff": return "image/tiff"
        case "mp4", "m4v": return "video/mp4"
        case "webm": return "video/webm"
        case "mov": return "video/quicktime"
        case "mp3": return "audio/mpeg"
        case "m4a", "aac": return "audio/mp4"
        case "wav": return "audio/wav"
        case "ogg", "oga": return "audio/ogg"
        case "flac": return "audio/flac"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}

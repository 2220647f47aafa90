import Foundation

/// A derived file (thumbnail, preview, crop) of one asset version, made by a recipe.
/// `recipeHash` identifies the recipe that made it, so a changed recipe marks it stale.
public struct Rendition: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var assetId: Int64
    public var versionId: Int64
    public var renditionType: RenditionType
    public var recipeHash: String
    public var blobHash: String?
    public var width: Int?
    public var height: Int?
    public var format: String?
    public var quality: Int?
    public var byteSize: Int64?
    public var durationSeconds: Double?
    public var startTime: Double?
    public var status: RenditionStatus
    public var error: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, assetId: Int64, versionId: Int64, renditionType: RenditionType, recipeHash: String,
        status: RenditionStatus = .pending, now: Date = Date()
    ) {
        self.id = id
        self.assetId = assetId
        self.versionId = versionId
        self.renditionType = renditionType
        self.recipeHash = recipeHash
        self.status = status
        self.createdAt = now
        self.updatedAt = now
    }
}

/// A rendition the render stage is going to make, written as a PENDING row in the same
/// transaction as the version it is made from, so its status is visible until it is made.
public struct PlannedRendition: Sendable, Equatable {
    public var renditionType: RenditionType
    public var recipeHash: String
    public var format: String
    public var quality: Int

    public init(renditionType: RenditionType, recipeHash: String, format: String, quality: Int) {
        self.renditionType = renditionType
        self.recipeHash = recipeHash
        self.format = format
        self.quality = quality
    }
}

public enum RenditionType: String, Codable, Sendable, CaseIterable {
    case thumbnailSmall = "THUMBNAIL_SMALL", thumbnailMedium = "THUMBNAIL_MEDIUM", thumbnailLarge = "THUMBNAIL_LARGE"
    case preview = "PREVIEW", previewVideo = "PREVIEW_VIDEO", webOptimized = "WEB_OPTIMIZED"
    case socialSquare = "SOCIAL_SQUARE", socialStory = "SOCIAL_STORY", watermarked = "WATERMARKED", lowRes = "LOW_RES"
    /// Stockroom's extensions of the spec's set, for audio assets (Docs/media.md, "Audio"): the
    /// waveform picture, and an AAC proxy every browser plays.
    case waveform = "WAVEFORM", previewAudio = "PREVIEW_AUDIO"
}

public enum RenditionStatus: String, Codable, Sendable, CaseIterable {
    case pending = "PENDING", processing = "PROCESSING", completed = "COMPLETED", failed = "FAILED"
}

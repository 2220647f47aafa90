import Foundation
import StockroomCore

/// One asset of a share as the client sees it (JSON and page alike), with the URLs to its files.
struct SharedAssetView: Encodable {
    struct Download: Encodable {
        /// `ORIGINAL` or a rendition type.
        var kind: String
        var label: String
        var url: String
        var filename: String
        var mimeType: String
        var byteSize: Int64?
        var width: Int?
        var height: Int?
    }

    var id: Int64
    var name: String
    var description: String?
    var assetType: AssetType
    var mediaKind: String
    var width: Int?
    var height: Int?
    var durationSeconds: Double?
    var capturedAt: Date?
    var creator: String?
    var copyrightHolder: String?
    var copyrightYear: Int?
    var usageRights: String?
    var license: LicenseType?
    var originalFilename: String?
    var mimeType: String?
    var byteSize: Int64?
    var note: String?
    var detailUrl: String
    var thumbnailUrl: String?
    var previewUrl: String?
    var previewMimeType: String?
    /// Audio: the WAVEFORM picture the player shows (the playhead moves over it).
    var waveformUrl: String?
    /// Whether the pictures shown are watermarked proofs (a VIEW link).
    var proofOnly: Bool
    /// The grid picture is still being made (`thumbnailUrl` is null until it is).
    var thumbnailPending: Bool
    /// A larger picture than `previewUrl` (or the first one) is still being made.
    var previewPending: Bool
    var downloads: [Download]
    /// COMMENT and EDIT links: the decision through this link, the comment count, the routes.
    var review: ReviewStateView?
    var commentCount: Int?
    var commentsUrl: String?
    var reviewUrl: String?
    /// EDIT links: whether the asset is in the client's selection, and the route to change it.
    var selected: Bool?
    var selectionUrl: String?
    /// Rendition types the link will offer for download once they are made (PENDING).
    var pendingDownloads: [String]

    init(_ shared: SharedAsset, display: SharedDisplay, base: String, downloadsAllowed: Bool,
         access: ShareAccessLevel = .download, state: ShareReviewState = ShareReviewState()) {
        let asset = shared.asset
        id = shared.id
        name = asset.name
        description = asset.description
        assetType = asset.assetType
        mediaKind = asset.assetType.family
        width = asset.width
        height = asset.height
        durationSeconds = asset.durationSeconds
        capturedAt = asset.capturedAt
        creator = asset.creator
        copyrightHolder = asset.copyrightHolder
        copyrightYear = asset.copyrightYear
        usageRights = asset.usageRights
        license = asset.license
        originalFilename = shared.version?.originalFilename
        mimeType = shared.version?.mimeType ?? asset.mimeType
        byteSize = shared.version?.byteSize ?? asset.byteSize
        note = shared.note
        let assetBase = "\(base)/assets/\(shared.id)"
        detailUrl = assetBase
        thumbnailUrl = display.tile.map { "\(assetBase)/view/\($0.renditionType.rawValue)" }
        previewUrl = display.stage.map { "\(assetBase)/view/\($0.renditionType.rawValue)" }
        previewMimeType = display.stage.map { MediaTypes.mimeType(forFormat: $0.format ?? "") }
        waveformUrl = display.allowed.contains(.waveform) ? "\(assetBase)/view/\(RenditionType.waveform.rawValue)" : nil
        proofOnly = display.proofOnly
        thumbnailPending = display.tilePending
        previewPending = display.stagePending
        pendingDownloads = downloadsAllowed
            ? RenditionType.allCases.filter { shared.pendingRenditionTypes.contains($0) }.map(\.rawValue) : []
        var downloads: [Download] = []
        if downloadsAllowed {
            if let original = shared.originalFile {
                downloads.append(Download(kind: "ORIGINAL", label: "Original", url: "\(assetBase)/download/original",
                                          filename: original.filename, mimeType: original.mimeType, byteSize: original.byteSize,
                                          width: asset.width, height: asset.height))
            }
            for rendition in shared.renditions {
                guard let file = shared.renditionFile(rendition.renditionType) else { continue }
                downloads.append(Download(kind: rendition.renditionType.rawValue, label: rendition.renditionType.label,
                                          url: "\(assetBase)/download/\(rendition.renditionType.rawValue)",
                                          filename: file.filename, mimeType: file.mimeType, byteSize: rendition.byteSize,
                                          width: rendition.width, height: rendition.height))
            }
        }
        self.downloads = downloads
        if access.allowsReview {
            review = ReviewStateView(state.reviews[shared.id], assetId: shared.id)
            commentCount = state.commentCounts[shared.id] ?? 0
            commentsUrl = "\(assetBase)/comments"
            reviewUrl = "\(assetBase)/review"
        }
        if access.allowsSelection {
            selected = state.selected.contains(shared.id)
            selectionUrl = "\(assetBase)/selection"
        }
    }
}

/// A client's decision on one asset as the gallery shows it (`OPEN` when there is none).
struct ReviewStateView: Encodable, Sendable {
    var assetId: Int64
    var decision: ReviewDecision
    var note: String?
    var authorName: String?
    var decidedAt: Date?

    init(_ review: AssetReview?, assetId: Int64) {
        self.assetId = assetId
        decision = review?.decision ?? .open
        note = review?.note
        authorName = review?.authorName
        decidedAt = review?.decidedAt
    }
}

/// The whole share as JSON (`GET /s/{token}` with `Accept: application/json`).
struct SharedContentView: Encodable {
    var title: String
    var description: String?
    var recipientEmail: String?
    var expiresAt: Date?
    /// `VIEW`, `DOWNLOAD`, `COMMENT` or `EDIT`: what the link lets the client do.
    var accessLevel: ShareAccessLevel
    var downloadsAllowed: Bool
    var downloadsRemaining: Int?
    var downloadAllUrl: String?
    var assetCount: Int
    /// COMMENT and EDIT links: approved, rejected and open counts over every shared asset.
    var reviewSummary: ReviewSummary?
    /// EDIT links: how many assets the client has picked.
    var selectedCount: Int?
    /// The decision `assets` is filtered by (`?review=approved|rejected|open`), if any.
    var filter: ReviewDecision?
    var assets: [SharedAssetView]

    init(_ share: ResolvedShare, base: String, filter: ReviewDecision? = nil, now: Date = Date()) {
        let content = share.content, link = share.link
        let visible = share.visibleAssets(now: now)
        title = content.title
        description = content.description
        recipientEmail = link.recipientEmail
        expiresAt = link.expiresAt
        accessLevel = link.accessLevel
        downloadsAllowed = content.downloadsAllowed
        downloadsRemaining = link.maxDownloads.map { max(0, $0 - link.downloadCount) }
        downloadAllUrl = content.downloadsAllowed && !visible.isEmpty ? "\(base)/download-all" : nil
        assetCount = visible.count
        let level = link.accessLevel, state = share.review
        if level.allowsReview { reviewSummary = ReviewSummary(assetIds: visible.map(\.id), reviews: state.reviews) }
        if level.allowsSelection { selectedCount = visible.filter { state.selected.contains($0.id) }.count }
        self.filter = level.allowsReview ? filter : nil
        let shown = self.filter.map { wanted in visible.filter { state.decision(of: $0.id) == wanted } } ?? visible
        assets = shown.map {
            SharedAssetView($0, display: share.display(of: $0), base: base, downloadsAllowed: content.downloadsAllowed, access: level, state: state)
        }
    }

    /// Whether every picture the page shows is a watermarked proof.
    var proofsOnly: Bool { accessLevel == .view && !assets.isEmpty && assets.allSatisfy(\.proofOnly) }
}

extension RenditionType {
    var label: String {
        switch self {
        case .thumbnailSmall: return "Thumbnail (small)"
        case .thumbnailMedium: return "Thumbnail (medium)"
        case .thumbnailLarge: return "Thumbnail (large)"
        case .preview: return "Preview"
        case .previewVideo: return "Preview video"
        case .webOptimized: return "Web optimized"
        case .socialSquare: return "Social square"
        case .socialStory: return "Social story"
        case .watermarked: return "Watermarked"
        case .lowRes: return "Low resolution"
        case .waveform: return "Waveform"
        case .previewAudio: return "Preview audio"
        }
    }
}

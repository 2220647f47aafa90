import Foundation

/// A link that hands a collection or a single asset to someone outside the team.
///
/// The DAM spec has two entities for this, `CollectionShare` (recipient, access level, expiry,
/// access tracking) and `AssetLink` (token, download permission, password, download cap). Stockroom
/// keeps one table with all of their fields and a target that is either a collection or an asset,
/// so that every rule (expiry, password, caps, revocation, logging) is enforced in one place.
public struct ShareLink: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    /// URL-safe, ≥128 bits from a CSPRNG.
    public var token: String
    public var collectionId: Int64?
    public var assetId: Int64?
    public var recipientEmail: String?
    public var accessLevel: ShareAccessLevel
    public var allowDownload: Bool
    public var expiresAt: Date?
    /// bcrypt hash; `nil` when the link is open.
    public var passwordHash: String?
    public var maxDownloads: Int?
    public var downloadCount: Int
    public var accessCount: Int
    public var lastAccessedAt: Date?
    public var revokedAt: Date?
    public var createdBy: String
    public var createdAt: Date
    /// In a library that requires approval, show assets still PENDING too (otherwise only
    /// APPROVED ones): for sending work out for the very review that approves it.
    public var includePending: Bool
    /// The LIGHTBOX collection holding an EDIT link's selection, made on the client's first pick.
    public var selectionCollectionId: Int64?

    public init(
        id: Int64? = nil, organizationId: String = Organization.defaultId, token: String,
        collectionId: Int64? = nil, assetId: Int64? = nil, recipientEmail: String? = nil,
        accessLevel: ShareAccessLevel = .download, allowDownload: Bool = true, expiresAt: Date? = nil,
        passwordHash: String? = nil, maxDownloads: Int? = nil, includePending: Bool = false,
        createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.organizationId = organizationId
        self.token = token
        self.collectionId = collectionId
        self.assetId = assetId
        self.recipientEmail = recipientEmail
        self.accessLevel = accessLevel
        self.allowDownload = allowDownload
        self.expiresAt = expiresAt
        self.passwordHash = passwordHash
        self.maxDownloads = maxDownloads
        self.includePending = includePending
        self.downloadCount = 0
        self.accessCount = 0
        self.createdBy = createdBy
        self.createdAt = now
    }
}

/// What a link lets its client do. Each level includes the one before: VIEW sees watermarked
/// proofs; DOWNLOAD also downloads (unless downloads are off); COMMENT also comments and decides
/// per asset (approve / reject); EDIT also picks assets into a selection staff see as a LIGHTBOX
/// collection.
public enum ShareAccessLevel: String, Codable, Sendable, CaseIterable {
    case view = "VIEW", download = "DOWNLOAD", comment = "COMMENT", edit = "EDIT"

    /// Comments and decisions (COMMENT and EDIT links).
    public var allowsReview: Bool { self == .comment || self == .edit }
    /// Picking a selection (EDIT links).
    public var allowsSelection: Bool { self == .edit }
}

/// One recorded use of a share link.
public struct ShareAccessEvent: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var shareLinkId: Int64
    public var event: ShareEventKind
    public var assetId: Int64?
    public var renditionType: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var occurredAt: Date
    /// The bytes served when the request asked for a range (`1000-349999`); absent for whole files.
    public var byteRange: String?

    public init(id: Int64? = nil, shareLinkId: Int64, event: ShareEventKind, assetId: Int64? = nil,
                renditionType: String? = nil, ipAddress: String? = nil, userAgent: String? = nil, byteRange: String? = nil,
                now: Date = Date()) {
        self.id = id
        self.shareLinkId = shareLinkId
        self.event = event
        self.assetId = assetId
        self.renditionType = renditionType
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.byteRange = byteRange
        self.occurredAt = now
    }
}

public enum ShareEventKind: String, Codable, Sendable, CaseIterable {
    case view = "VIEW", download = "DOWNLOAD", downloadAll = "DOWNLOAD_ALL", passwordFailed = "PASSWORD_FAILED"
    case denied = "DENIED"
}

import Foundation
import HummingbirdBcrypt

/// What to share and on which terms.
public struct ShareRequest: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case collection(slug: String)
        case asset(id: Int64)
    }

    public var target: Target
    public var expiresAt: Date?
    public var password: String?
    public var allowDownload: Bool
    public var maxDownloads: Int?
    public var recipientEmail: String?
    public var accessLevel: ShareAccessLevel
    /// Show assets still PENDING in libraries that require approval (see `ShareLink.includePending`).
    public var includePending: Bool

    public init(target: Target, expiresAt: Date? = nil, password: String? = nil, allowDownload: Bool = true,
                maxDownloads: Int? = nil, recipientEmail: String? = nil, accessLevel: ShareAccessLevel = .download,
                includePending: Bool = false) {
        self.includePending = includePending
        self.target = target
        self.expiresAt = expiresAt
        self.password = password
        self.allowDownload = allowDownload
        self.maxDownloads = maxDownloads
        self.recipientEmail = recipientEmail
        self.accessLevel = accessLevel
    }
}

/// A share link as listed: the link without its password hash, with what it points at and its state.
public struct ShareLinkSummary: Encodable, Sendable, Equatable {
    public enum State: String, Encodable, Sendable { case active = "ACTIVE", expired = "EXPIRED", revoked = "REVOKED", exhausted = "EXHAUSTED" }
    public var id: Int64
    public var token: String
    public var target: String
    public var collectionId: Int64?
    public var assetId: Int64?
    public var recipientEmail: String?
    public var accessLevel: ShareAccessLevel
    public var allowDownload: Bool
    public var hasPassword: Bool
    public var expiresAt: Date?
    public var maxDownloads: Int?
    public var downloadCount: Int
    public var accessCount: Int
    public var lastAccessedAt: Date?
    public var revokedAt: Date?
    public var createdBy: String
    public var createdAt: Date
    public var state: State
    public var includePending: Bool
    /// The LIGHTBOX collection of an EDIT link's selection, once the client has picked something.
    public var selectionCollectionId: Int64?
}

/// Creating, listing and revoking share links, and everything a client's request through one goes
/// through: token lookup, expiry, password, which assets it reaches, download allowance, logging.
public struct ShareService: Sendable {
    let shares: any ShareLinkRepository
    let collections: any CollectionRepository
    let assets: any AssetCatalogRepository
    let organizationId: String
    let bcryptCost: UInt8
    /// Where access-log rows go: batched by a recorder when serving, else written at once.
    let recorder: ShareAccessRecorder?
    let grants: DownloadResumeGrants
    let proofTerms: ProofTermsSource?
    /// Client decisions, comment counts and selections, loaded with COMMENT and EDIT links.
    let reviews: (any ReviewRepository)?
    /// Token characters used for the indexed lookup; the full token is then compared in constant time.
    static let lookupPrefixLength = 8

    public init(shares: any ShareLinkRepository, collections: any CollectionRepository, assets: any AssetCatalogRepository,
                organizationId: String = Organization.defaultId, bcryptCost: UInt8 = 12, recorder: ShareAccessRecorder? = nil,
                grants: DownloadResumeGrants = DownloadResumeGrants(), proofTerms: ProofTermsSource? = nil,
                reviews: (any ReviewRepository)? = nil) {
        self.reviews = reviews
        self.shares = shares
        self.collections = collections
        self.assets = assets
        self.organizationId = organizationId
        self.bcryptCost = bcryptCost
        self.recorder = recorder
        self.grants = grants
        self.proofTerms = proofTerms
    }

    // MARK: Staff side

    public func createShare(_ request: ShareRequest, by actor: Actor, now: Date = Date()) throws(DomainError) -> ShareLink {
        if let expiresAt = request.expiresAt, expiresAt <= now {
            throw .invalidArgument("the expiry \(expiresAt.formatted(.iso8601)) is in the past")
        }
        if let max = request.maxDownloads, max < 1 { throw .invalidArgument("--max-downloads must be at least 1") }
        if let password = request.password, password.isEmpty { throw .invalidArgument("the password may not be empty") }
        if let email = request.recipientEmail, !email.contains("@") { throw .invalidArgument("\"\(email)\" is not an email address") }
        var link = ShareLink(organizationId: organizationId, token: SecretToken.generate(), recipientEmail: request.recipientEmail,
                             accessLevel: request.accessLevel, allowDownload: request.allowDownload && request.accessLevel != .view,
                             expiresAt: request.expiresAt, passwordHash: request.password.map { Bcrypt.hash($0, cost: bcryptCost) },
                             maxDownloads: request.maxDownloads, includePending: request.includePending, createdBy: actor.name, now: now)
        var collectionSlug: String?
        switch request.target {
        case let .collection(slug):
            guard let collection = try collections.collection(slug: slug, organizationId: organizationId) else {
                throw .notFound("unknown collection \"\(slug)\" (see `stockroom collection list`)")
            }
            link.collectionId = collection.id
            collectionSlug = collection.slug
        case let .asset(id):
            guard try assets.asset(id: id) != nil else { throw .notFound("no asset with id \(id)") }
            link.assetId = id
        }
        return try shares.createShareLink(link, by: actor, target: Self.targetName(of: link, collectionSlug: collectionSlug))
    }

    public func allShares(now: Date = Date()) throws(DomainError) -> [ShareLinkSummary] {
        let links = try shares.shareLinks(organizationId: organizationId)
        let collectionNames = Dictionary(try collections.collections(organizationId: organizationId).map { ($0.id!, $0.slug) },
                                         uniquingKeysWith: { a, _ in a })
        let assetNames = Dictionary(try assets.assets(ids: links.compactMap(\.assetId)).map { ($0.id!, $0.name) },
                                    uniquingKeysWith: { a, _ in a })
        return links.map { link in
            let target = Self.targetName(of: link, collectionSlug: link.collectionId.flatMap { collectionNames[$0] },
                                         assetName: link.assetId.flatMap { assetNames[$0] })
            return summary(of: link, target: target, now: now)
        }
    }

    /// One link as listed, found by its token.
    public func summary(token: String, now: Date = Date()) throws(DomainError) -> ShareLinkSummary {
        let link = try shareLink(token: token)
        var assetName: String?
        if let id = link.assetId { assetName = try assets.asset(id: id)?.name }
        return summary(of: link, target: Self.targetName(of: link, collectionSlug: try collectionSlug(of: link), assetName: assetName), now: now)
    }

    /// How listings and the activity log name what a link shares: `collection:summer`, `asset:12`,
    /// or with the asset's name, as listings show it, `asset:12 photo.jpg`. Falls back to the id.
    static func targetName(of link: ShareLink, collectionSlug: String?, assetName: String? = nil) -> String {
        if let id = link.collectionId { return "collection:\(collectionSlug ?? String(id))" }
        if let id = link.assetId { return "asset:\(id) \(assetName ?? "")".trimmingCharacters(in: .whitespaces) }
        return "?"
    }

    private func collectionSlug(of link: ShareLink) throws(DomainError) -> String? {
        guard let id = link.collectionId else { return nil }
        return try collections.collection(id: id)?.slug
    }

    func summary(of link: ShareLink, target: String, now: Date) -> ShareLinkSummary {
        let state: ShareLinkSummary.State =
            link.revokedAt != nil ? .revoked
            : (link.expiresAt.map { $0 <= now } ?? false) ? .expired
            : (link.maxDownloads.map { link.downloadCount >= $0 } ?? false) ? .exhausted : .active
        return ShareLinkSummary(id: link.id!, token: link.token, target: target, collectionId: link.collectionId, assetId: link.assetId,
                                recipientEmail: link.recipientEmail, accessLevel: link.accessLevel, allowDownload: link.allowDownload,
                                hasPassword: link.passwordHash != nil, expiresAt: link.expiresAt, maxDownloads: link.maxDownloads,
                                downloadCount: link.downloadCount, accessCount: link.accessCount, lastAccessedAt: link.lastAccessedAt,
                                revokedAt: link.revokedAt, createdBy: link.createdBy, createdAt: link.createdAt, state: state,
                                includePending: link.includePending, selectionCollectionId: link.selectionCollectionId)
    }

    /// The link with this token (revoked or not), for staff commands.
    public func shareLink(token: String) throws(DomainError) -> ShareLink {
        if let link = try lookup(token) { return link }
        throw .notFound("no share link with token \(token) (see `stockroom share list`)")
    }

    public func revoke(token: String, by actor: Actor, now: Date = Date()) throws(DomainError) -> ShareLink {
        let link = try shareLink(token: token)
        try shares.revokeShareLink(id: link.id!, at: now, by: actor,
                                   target: Self.targetName(of: link, collectionSlug: try collectionSlug(of: link)))
        return try shares.shareLink(id: link.id!) ?? link
    }

    /// The link's access log, with any rows still waiting in this process's recorder written first.
    public func accessLog(token: String) throws(DomainError) -> [ShareAccessEvent] {
        let link = try shareLink(token: token)
        recorder?.flush()
        return try shares.shareAccessLog(linkId: link.id!)
    }

    private func lookup(_ token: String) throws(DomainError) -> ShareLink? {
        guard SecretToken.isWellFormed(token) else { return nil }
        let prefix = String(token.prefix(Self.lookupPrefixLength))
        var match: ShareLink?
        for candidate in try shares.shareLinks(tokenPrefix: prefix) where SecretToken.constantTimeEquals(candidate.token, token) {
            match = candidate
        }
        return match
    }

    // MARK: Client side

    /// The live link for a client request: unknown or revoked → `notFound`, past expiry → `expired`.
    public func openLink(token: String, now: Date = Date()) throws(ShareAccessError) -> ShareLink {
        let found: ShareLink?
        do { found = try lookup(token) } catch { throw .notFound }
        guard let link = found, link.revokedAt == nil else { throw .notFound }
        if let expiresAt = link.expiresAt, expiresAt <= now { throw .expired }
        return link
    }

    /// Checks a password against the link's bcrypt hash (slow by design).
    public func passwordMatches(_ password: String, for link: ShareLink) -> Bool {
        guard let hash = link.passwordHash else { return true }
        return Bcrypt.verify(password, hash: hash)
    }

    /// What the link shows now: its members, minus withdrawn and license-expired assets.
    public func content(of link: ShareLink, now: Date = Date()) throws(DomainError) -> SharedContent {
        let scope = try self.scope(of: link)
        let gate = try approvalGate(of: link)
        let members = try assets.assets(ids: scope.assetIds).filter { SharedAsset.isShareable($0, at: now) && gate.admits($0) }
        let rows = try shares.sharedFiles(assetIds: members.compactMap(\.id))
        let shared = members.map { asset in
            SharedAsset(asset: asset, version: rows.versions[asset.id!], renditions: rows.renditions[asset.id!] ?? [],
                        pendingRenditionTypes: rows.pending[asset.id!] ?? [], note: scope.notes[asset.id!])
        }
        var title = scope.title, description = scope.description
        if link.assetId != nil, let only = shared.first { title = only.asset.name; description = only.asset.description }
        return SharedContent(title: title, description: description, assets: shared, downloadsAllowed: scope.downloadsAllowed)
    }

    /// The live link with its content and the display terms of each asset, in a handful of queries.
    public func resolve(token: String, now: Date = Date()) throws(ShareAccessError) -> ResolvedShare {
        let link = try openLink(token: token, now: now)
        let content: SharedContent
        do { content = try self.content(of: link, now: now) } catch { throw .notFound }
        var displays: [Int64: SharedDisplay] = [:]
        for asset in content.assets {
            let terms = proofTerms?.terms(libraryId: asset.asset.libraryId, now: now) ?? .failClosed
            displays[asset.id] = SharedDisplay(asset, link: link, terms: terms)
        }
        var review = ShareReviewState()
        if link.accessLevel.allowsReview, let reviews {
            do { review = try reviews.reviewState(of: link) } catch { throw .notFound }
        }
        return ResolvedShare(link: link, content: content, displays: displays, review: review, loadedAt: now)
    }

    /// The file a route asks for, if the link lets that route have it: `display` reaches only
    /// what the page shows (see `SharedFileRule`), `download` anything the asset has, on a link
    /// that allows downloads. Refusals of downloads are logged.
    public func file(_ name: SharedFileName, use: SharedFileUse, of asset: SharedAsset, in share: ResolvedShare,
                     client: ShareClient, now: Date = Date()) throws(ShareAccessError) -> SharedFile {
        switch use {
        case .display:
            guard case let .rendition(type) = name, share.display(of: asset).allowed.contains(type),
                  let file = asset.renditionFile(type) else { throw .notFound }
            return file
        case .download:
            let file: SharedFile? = switch name {
            case .original: asset.originalFile
            case let .rendition(type): asset.renditionFile(type)
            }
            guard let file else { throw .notFound }
            guard share.content.downloadsAllowed else {
                log(ShareAccessEvent(shareLinkId: share.link.id!, event: .denied, assetId: asset.id, renditionType: file.label,
                                     ipAddress: client.address, userAgent: client.userAgent, now: now))
                throw .downloadNotAllowed("Downloads are not allowed for this link.")
            }
            return file
        }
    }

    /// The one check every byte-serving route passes once it knows the file and the range:
    /// displays are logged; downloads take from the cap (or continue a counted download, see
    /// `DownloadResumeGrants`) and are logged; HEAD takes nothing but is refused where GET would be.
    public func admit(_ file: SharedFile, use: SharedFileUse, of asset: SharedAsset, in share: ResolvedShare,
                      range: ServedRange?, isHead: Bool, client: ShareClient, now: Date = Date()) throws(ShareAccessError) {
        let link = share.link
        switch use {
        case .display:
            guard !isHead else { return }
            log(ShareAccessEvent(shareLinkId: link.id!, event: .view, assetId: asset.id, renditionType: file.label,
                                 ipAddress: client.address, userAgent: client.userAgent, byteRange: range?.description, now: now))
        case .download:
            let key = DownloadResumeGrants.Key(linkId: link.id!, assetId: asset.id, file: file.label, client: client)
            if isHead {
                let left = (try? shares.hasShareDownloadsLeft(linkId: link.id!)) ?? false
                guard left || grants.hasGrant(key, now: now) else { throw .downloadNotAllowed("This link has reached its download limit.") }
                return
            }
            if let range, range.start > 0, grants.takeResume(key, now: now) {
                log(ShareAccessEvent(shareLinkId: link.id!, event: .download, assetId: asset.id, renditionType: file.label,
                                     ipAddress: client.address, userAgent: client.userAgent, byteRange: range.description, now: now))
                return
            }
            do {
                try takeDownload(of: link, downloadsAllowed: share.content.downloadsAllowed, now: now)
            } catch {
                log(ShareAccessEvent(shareLinkId: link.id!, event: .denied, assetId: asset.id, renditionType: file.label,
                                     ipAddress: client.address, userAgent: client.userAgent, byteRange: range?.description, now: now))
                throw error
            }
            grants.open(key, now: now)
            log(ShareAccessEvent(shareLinkId: link.id!, event: .download, assetId: asset.id, renditionType: file.label,
                                 ipAddress: client.address, userAgent: client.userAgent, byteRange: range?.description, now: now),
                downloadsOf: [asset.id])
        }
    }

    /// "Download all": one download from the cap for the whole zip, logged with every asset counted.
    public func admitArchive(of assets: [SharedAsset], in share: ResolvedShare, client: ShareClient, now: Date = Date()) throws(ShareAccessError) {
        let link = share.link
        do {
            try takeDownload(of: link, downloadsAllowed: share.content.downloadsAllowed, now: now)
        } catch {
            log(ShareAccessEvent(shareLinkId: link.id!, event: .denied, renditionType: "ZIP", ipAddress: client.address,
                                 userAgent: client.userAgent, now: now))
            throw error
        }
        log(ShareAccessEvent(shareLinkId: link.id!, event: .downloadAll, renditionType: "ZIP", ipAddress: client.address,
                             userAgent: client.userAgent, now: now), downloadsOf: assets.map(\.id))
    }

    /// Whether the link has a download left now (read from the catalog; for HEAD, which takes none).
    public func hasDownloadsLeft(_ link: ShareLink) -> Bool {
        (try? shares.hasShareDownloadsLeft(linkId: link.id!)) ?? false
    }

    /// A gallery or asset page view: counted on the link and logged.
    public func recordPageView(of link: ShareLink, assetId: Int64? = nil, client: ShareClient, now: Date = Date()) {
        log(ShareAccessEvent(shareLinkId: link.id!, event: .view, assetId: assetId, ipAddress: client.address,
                             userAgent: client.userAgent, now: now), countsView: true)
    }

    /// A refused password, logged.
    public func recordPasswordFailure(of link: ShareLink, client: ShareClient, now: Date = Date()) {
        log(ShareAccessEvent(shareLinkId: link.id!, event: .passwordFailed, ipAddress: client.address, userAgent: client.userAgent, now: now))
    }

    private func log(_ event: ShareAccessEvent, countsView: Bool = false, downloadsOf assetIds: [Int64] = []) {
        if let recorder {
            recorder.record(event, countsView: countsView, countsDownloadOf: assetIds)
            return
        }
        var batch = ShareAccessBatch()
        batch.events = [event]
        if countsView { batch.countView(linkId: event.shareLinkId, at: event.occurredAt) }
        for id in assetIds { batch.countDownload(assetId: id, at: event.occurredAt) }
        try? shares.recordShareAccess(batch)
    }

    /// One asset of the link, or `notFound` when the link does not reach it (whatever the id).
    /// Loads only that asset's rows, so serving a thumbnail does not cost the whole collection.
    public func sharedAsset(_ assetId: Int64, of link: ShareLink, now: Date = Date()) throws(ShareAccessError) -> SharedAssetAccess {
        do {
            let scope = try self.scope(of: link)
            guard scope.assetIds.contains(assetId), let asset = try assets.asset(id: assetId), SharedAsset.isShareable(asset, at: now),
                  try approvalGate(of: link).admits(asset) else {
                throw ShareAccessError.notFound
            }
            return SharedAssetAccess(asset: try files(of: asset, note: scope.notes[assetId]), downloadsAllowed: scope.downloadsAllowed)
        } catch let error as ShareAccessError {
            throw error
        } catch {
            throw .notFound
        }
    }

    /// Who the link reaches (before the shareability filter) and on which terms.
    private struct Scope {
        var title = "Shared file"
        var description: String?
        var assetIds: [Int64] = []
        var notes: [Int64: String] = [:]
        var downloadsAllowed: Bool
    }

    private func scope(of link: ShareLink) throws(DomainError) -> Scope {
        var scope = Scope(downloadsAllowed: Self.downloadsAllowed(link))
        if let collectionId = link.collectionId, let collection = try collections.collection(id: collectionId) {
            scope.title = collection.name
            scope.description = collection.description
            scope.downloadsAllowed = scope.downloadsAllowed && collection.allowDownload
            scope.assetIds = try collections.assetIds(in: collection)
            for item in try collections.items(collectionId: collectionId) { if let note = item.note { scope.notes[item.assetId] = note } }
        } else if let assetId = link.assetId {
            scope.assetIds = [assetId]
        }
        return scope
    }

    private func files(of asset: Asset, note: String?) throws(DomainError) -> SharedAsset {
        let all = try assets.renditions(assetId: asset.id!)
        let renditions = all.filter { $0.status == .completed && $0.blobHash != nil }
        let pending = Set(all.filter { $0.status == .pending || $0.status == .processing }.map(\.renditionType))
        return SharedAsset(asset: asset, version: try assets.currentVersion(assetId: asset.id!), renditions: renditions,
                           pendingRenditionTypes: pending, note: note)
    }

    /// Which assets the link may show by their approval: in a library that requires approval,
    /// APPROVED ones (and PENDING ones too when the link says `includePending`).
    private func approvalGate(of link: ShareLink) throws(DomainError) -> ApprovalGate {
        ApprovalGate(librariesRequiringApproval: try shares.librariesRequiringApproval(organizationId: link.organizationId),
                     includePending: link.includePending)
    }

    static func downloadsAllowed(_ link: ShareLink) -> Bool {
        link.allowDownload && link.accessLevel != .view
    }

    /// Takes one download from the link's allowance, atomically; refuses when downloads are off or
    /// the cap is reached.
    public func takeDownload(of link: ShareLink, downloadsAllowed: Bool, now: Date = Date()) throws(ShareAccessError) {
        guard downloadsAllowed else { throw .downloadNotAllowed("Downloads are not allowed for this link.") }
        let granted: Bool
        do { granted = try shares.consumeShareDownload(linkId: link.id!, at: now) } catch { throw .downloadNotAllowed("The download could not be recorded.") }
        guard granted else { throw .downloadNotAllowed("This link has reached its download limit.") }
    }

    /// Records a gallery or asset view: counters and the access log.
    public func recordView(of link: ShareLink, assetId: Int64? = nil, client: ShareClient, now: Date = Date()) throws(DomainError) {
        try shares.recordShareView(linkId: link.id!, at: now)
        try shares.appendShareAccess(ShareAccessEvent(shareLinkId: link.id!, event: .view, assetId: assetId,
                                                      ipAddress: client.address, userAgent: client.userAgent, now: now))
    }

    /// Records a download already granted by `takeDownload`: the access log and the assets' counters.
    public func recordDownload(of link: ShareLink, assetIds: [Int64], file: String?, event: ShareEventKind = .download,
                               client: ShareClient, now: Date = Date()) throws(DomainError) {
        try shares.appendShareAccess(ShareAccessEvent(shareLinkId: link.id!, event: event, assetId: assetIds.count == 1 ? assetIds[0] : nil,
                                                      renditionType: file, ipAddress: client.address, userAgent: client.userAgent, now: now))
        for id in assetIds { try assets.recordAssetDownload(assetId: id, at: now) }
    }

    public func recordRefusal(of link: ShareLink, event: ShareEventKind, assetId: Int64? = nil, client: ShareClient, now: Date = Date()) {
        try? shares.appendShareAccess(ShareAccessEvent(shareLinkId: link.id!, event: event, assetId: assetId,
                                                       ipAddress: client.address, userAgent: client.userAgent, now: now))
    }
}

/// A file of a shared asset as a route names it: `original` or a rendition type.
public enum SharedFileName: Sendable, Equatable {
    case original
    case rendition(RenditionType)

    /// `original` (any case) or a rendition type (any case); `nil` for anything else.
    public init?(_ text: String) {
        if text.lowercased() == "original" {
            self = .original
        } else if let type = RenditionType(rawValue: text.uppercased()) {
            self = .rendition(type)
        } else {
            return nil
        }
    }
}

/// The bytes of a file a response serves, for the access log and the resume rule.
public struct ServedRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Int64
    /// Inclusive.
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var description: String { "\(start)-\(end)" }
}

/// Who is on the other end of a share-link request, for the access log.
public struct ShareClient: Sendable, Equatable {
    public var address: String?
    public var userAgent: String?

    public init(address: String?, userAgent: String?) {
        self.address = address
        self.userAgent = userAgent
    }
}

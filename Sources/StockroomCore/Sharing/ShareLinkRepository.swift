import Foundation

/// Share links, their access log and their counters.
public protocol ShareLinkRepository: Sendable {
    /// Saves the link and logs `share.created` for `actor` in the same transaction; `target` names
    /// what is shared ("collection:summer", "asset:12"). The token is never logged.
    func createShareLink(_ link: ShareLink, by actor: Actor, target: String) throws(DomainError) -> ShareLink
    func shareLinks(organizationId: String) throws(DomainError) -> [ShareLink]
    /// Candidates whose token starts with `prefix`; the caller compares the full token in constant time.
    func shareLinks(tokenPrefix prefix: String) throws(DomainError) -> [ShareLink]
    func shareLink(id: Int64) throws(DomainError) -> ShareLink?
    /// Revokes the link and logs `share.revoked` naming `target`; revoking a revoked link changes
    /// and logs nothing.
    func revokeShareLink(id: Int64, at now: Date, by actor: Actor, target: String) throws(DomainError)
    /// Counts a view: `accessCount + 1`, `lastAccessedAt = now`.
    func recordShareView(linkId: Int64, at now: Date) throws(DomainError)
    /// Takes one download from the link's allowance in a single statement, so that concurrent
    /// requests can never exceed `maxDownloads`. Returns whether the download may go ahead.
    func consumeShareDownload(linkId: Int64, at now: Date) throws(DomainError) -> Bool
    /// Whether the link has a download left right now (read from the catalog, not a cache).
    func hasShareDownloadsLeft(linkId: Int64) throws(DomainError) -> Bool
    func appendShareAccess(_ event: ShareAccessEvent) throws(DomainError)
    /// Writes a batch of access-log rows and counter updates in one transaction.
    func recordShareAccess(_ batch: ShareAccessBatch) throws(DomainError)
    func shareAccessLog(linkId: Int64) throws(DomainError) -> [ShareAccessEvent]
    /// The current versions and the completed renditions of `assetIds`, in two queries.
    func sharedFiles(assetIds: [Int64]) throws(DomainError) -> SharedFileRows
    /// The ids of the libraries whose settings say `requireApproval`.
    func librariesRequiringApproval(organizationId: String) throws(DomainError) -> Set<Int64>
}

/// The approval rule of share links: an asset of a library that requires approval is shown once
/// it is APPROVED; a link made with `includePending` also shows it while it is PENDING. Other
/// libraries' assets pass (REJECTED, ARCHIVED and EXPIRED ones are withheld everywhere).
public struct ApprovalGate: Sendable, Equatable {
    public var librariesRequiringApproval: Set<Int64>
    public var includePending: Bool

    public init(librariesRequiringApproval: Set<Int64>, includePending: Bool) {
        self.librariesRequiringApproval = librariesRequiringApproval
        self.includePending = includePending
    }

    public func admits(_ asset: Asset) -> Bool {
        guard librariesRequiringApproval.contains(asset.libraryId) else { return true }
        return asset.status == .approved || (includePending && asset.status == .pending)
    }
}

/// Current versions and completed renditions of a set of assets, keyed by asset id.
public struct SharedFileRows: Sendable, Equatable {
    public var versions: [Int64: AssetVersion]
    public var renditions: [Int64: [Rendition]]
    /// Rendition types each asset is still waiting for (PENDING).
    public var pending: [Int64: Set<RenditionType>]

    public init(versions: [Int64: AssetVersion], renditions: [Int64: [Rendition]], pending: [Int64: Set<RenditionType>] = [:]) {
        self.versions = versions
        self.renditions = renditions
        self.pending = pending
    }
}

/// Access-log rows and counter changes gathered while serving, written together.
public struct ShareAccessBatch: Sendable, Equatable {
    public struct Tally: Sendable, Equatable {
        public var count: Int
        public var last: Date
    }

    public var events: [ShareAccessEvent] = []
    /// Page views per link: `accessCount += count`, `lastAccessedAt = last`.
    public var linkViews: [Int64: Tally] = [:]
    /// Downloads per asset: `downloadCount += count`, `lastDownloadedAt = last`.
    public var assetDownloads: [Int64: Tally] = [:]

    public init() {}

    public var isEmpty: Bool { events.isEmpty && linkViews.isEmpty && assetDownloads.isEmpty }

    mutating func countView(linkId: Int64, at now: Date) {
        linkViews[linkId] = Tally(count: (linkViews[linkId]?.count ?? 0) + 1, last: max(now, linkViews[linkId]?.last ?? now))
    }

    mutating func countDownload(assetId: Int64, at now: Date) {
        assetDownloads[assetId] = Tally(count: (assetDownloads[assetId]?.count ?? 0) + 1, last: max(now, assetDownloads[assetId]?.last ?? now))
    }
}

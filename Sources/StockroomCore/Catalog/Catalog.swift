import Foundation
import StockroomMedia

/// A data home's whole catalog: every repository the services, the pipeline and the server use,
/// on one backend. `SQLiteCatalog` (one box) and `PostgresCatalog` (many hosts) implement it;
/// nothing above this protocol knows which one it has.
public protocol Catalog: LibraryRepository, FolderRepository, AssetCatalogRepository, PipelineCatalog, CollectionRepository,
    ShareLinkRepository, CommentRepository, APIKeyRepository, TagRepository, LicenseRepository, AssetQueryRepository,
    BlobReferenceRepository, WatchStateRepository, ContentIndexRepository, ActivityRepository, ReviewRepository, ApprovalRepository,
    WebhookQueue {
    /// Changes that can alter what a share link shows, from this process or another.
    var changes: CatalogChangeCounter { get }
    /// Which backend this is, for reports (`sqlite`, `postgresql`).
    var backendName: String { get }

    /// Assets of the library whose current version lacks one of `wanted` (rendition type → recipe
    /// hash) made from that version by that recipe: missing, older version, or changed recipe.
    func assetIdsWithStaleRenditions(libraryId: Int64, wanted: [RenditionType: String]) throws(DomainError) -> [Int64]
    /// How many assets the catalog holds (the status page).
    func assetCount() throws(DomainError) -> Int
    /// Video assets whose PREVIEW_VIDEO is missing, made from an older version, or by another recipe.
    func videoAssetIdsWithStalePreviewVideo(libraryId: Int64, recipeHash: String) throws(DomainError) -> [Int64]
    /// Audio assets whose `renditionType` (WAVEFORM, PREVIEW_AUDIO) is missing, made from an
    /// older version, or by another recipe.
    func audioAssetIdsWithStaleRendition(libraryId: Int64, renditionType: RenditionType, recipeHash: String) throws(DomainError) -> [Int64]
    /// The media engine's description of a version, if it was recorded.
    func versionDescription(versionId: Int64) throws(DomainError) -> MediaDescription?
    /// Records the description of a version that predates per-version descriptions.
    func storeVersionDescription(versionId: Int64, description: MediaDescription) throws(DomainError)
}

/// What each watch folder already handed to the pipeline.
public protocol WatchStateRepository: Sendable {
    func watchedFileStates(root: String) throws(DomainError) -> [String: WatchedFileState]
    func recordWatchedFile(root: String, relativePath: String, state: WatchedFileState, now: Date) throws(DomainError)
    /// Notes where a failed file was moved to.
    func setQuarantinePath(sourcePath: String, quarantinePath: String) throws(DomainError)
}

/// Fonts and full text recorded for documents.
public protocol ContentIndexRepository: Sendable {
    /// The font families recorded for an asset, face first.
    func fonts(assetId: Int64) throws(DomainError) -> [AssetFont]
    /// The indexed text of an asset (title and body), if it has any.
    func indexedText(assetId: Int64) throws(DomainError) -> (title: String, body: String)?
}

// The defaults the commands and tests lean on, for either backend.
extension AssetQueryRepository {
    /// Ids of the assets matching `query` (ascending), for smart collections and the API's `q=`.
    public func assetIDs(matching query: AssetQuery, limit: Int?) throws(DomainError) -> [Int64] {
        try assetIDs(matching: query, limit: limit, now: Date(), organizationId: Organization.defaultId)
    }

    public func searchAssets(_ query: AssetQuery, sort: AssetSort = .byId, limit: Int?) throws(DomainError) -> AssetSearchPage {
        try searchAssets(query, sort: sort, limit: limit, now: Date(), organizationId: Organization.defaultId)
    }

    public func searchAssets(_ query: AssetQuery, sort: AssetSort = .byId, limit: Int?, now: Date) throws(DomainError) -> AssetSearchPage {
        try searchAssets(query, sort: sort, limit: limit, now: now, organizationId: Organization.defaultId)
    }
}

extension TagRepository {
    public func changeTags(_ operation: TagOperation, tags: [String], on selection: AssetSelection, dryRun: Bool,
                           by actor: Actor, now: Date = Date()) throws(DomainError) -> BulkChangeReport {
        try changeTags(operation, tags: tags, on: selection, dryRun: dryRun, by: actor, now: now, organizationId: Organization.defaultId)
    }

    public func tagUsage() throws(DomainError) -> [TagUsage] { try tagUsage(organizationId: Organization.defaultId) }

    public func renameTag(_ old: String, to new: String, by actor: Actor, now: Date = Date()) throws(DomainError) -> TagRenameReport {
        try renameTag(old, to: new, by: actor, now: now, organizationId: Organization.defaultId)
    }
}

extension LicenseRepository {
    public func setLicense(_ change: LicenseChange, on selection: AssetSelection, dryRun: Bool, by actor: Actor,
                           now: Date = Date()) throws(DomainError) -> BulkChangeReport {
        try setLicense(change, on: selection, dryRun: dryRun, by: actor, now: now, organizationId: Organization.defaultId)
    }

    public func clearLicense(on selection: AssetSelection, dryRun: Bool, by actor: Actor, now: Date = Date()) throws(DomainError) -> BulkChangeReport {
        try clearLicense(on: selection, dryRun: dryRun, by: actor, now: now, organizationId: Organization.defaultId)
    }

    public func licenseFindings(now: Date, expiringBefore: Date) throws(DomainError) -> (audited: Int, findings: [LicenseFinding]) {
        try licenseFindings(now: now, expiringBefore: expiringBefore, organizationId: Organization.defaultId)
    }

    public func withdrawExpiredAssets(now: Date, by actor: Actor) throws(DomainError) -> ExpiryWithdrawal {
        try withdrawExpiredAssets(now: now, by: actor, organizationId: Organization.defaultId)
    }
}

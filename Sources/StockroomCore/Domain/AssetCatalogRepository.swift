import Foundation

/// Reading and editing catalogued assets: what the admin API and share links need.
public protocol AssetCatalogRepository: Sendable {
    func asset(id: Int64) throws(DomainError) -> Asset?
    /// The assets with these ids, in the order given; unknown ids are skipped.
    func assets(ids: [Int64]) throws(DomainError) -> [Asset]
    func assets(matching filter: AssetFilter) throws(DomainError) -> [Asset]
    func currentVersion(assetId: Int64) throws(DomainError) -> AssetVersion?
    func renditions(assetId: Int64) throws(DomainError) -> [Rendition]
    /// Tag display names per asset id.
    func tagNames(assetIds: [Int64]) throws(DomainError) -> [Int64: [String]]
    /// Applies the patch and logs `asset.updated` (naming the fields), plus `asset.approved` or
    /// `asset.rejected` when the status changes to one of them.
    func updateAsset(id: Int64, applying patch: AssetPatch, as actor: Actor) throws(DomainError) -> Asset
    func recordAssetDownload(assetId: Int64, at now: Date) throws(DomainError)
}

extension AssetCatalogRepository {
    public func updateAsset(id: Int64, applying patch: AssetPatch, by actor: String) throws(DomainError) -> Asset {
        try updateAsset(id: id, applying: patch, as: Actor(recordedName: actor))
    }
}

/// Filters of an asset listing; all given filters must hold.
public struct AssetFilter: Sendable, Equatable {
    public var libraryId: Int64?
    public var folderId: Int64?
    public var status: AssetStatus?
    public var assetType: AssetType?
    public var tag: String?
    /// Case-insensitive substring of the name, description or original filename.
    public var text: String?
    public var limit: Int
    public var offset: Int

    public init(libraryId: Int64? = nil, folderId: Int64? = nil, status: AssetStatus? = nil, assetType: AssetType? = nil,
                tag: String? = nil, text: String? = nil, limit: Int = 100, offset: Int = 0) {
        self.libraryId = libraryId
        self.folderId = folderId
        self.status = status
        self.assetType = assetType
        self.tag = tag
        self.text = text
        self.limit = limit
        self.offset = offset
    }
}

/// A partial update of an asset; `nil` fields are left as they are.
public struct AssetPatch: Codable, Sendable, Equatable {
    public var name: String?
    public var description: String?
    /// Replaces every tag.
    public var tags: [String]?
    public var addTags: [String]?
    public var removeTags: [String]?
    /// Merged deeply into the asset's metadata JSON.
    public var metadata: JSONValue?
    public var status: AssetStatus?
    public var license: LicenseType?
    public var licenseDetails: JSONValue?
    public var expiresAt: Date?
    public var copyrightHolder: String?
    public var copyrightYear: Int?
    public var usageRights: String?
    public var creator: String?

    public init() {}

    public var isEmpty: Bool { self == AssetPatch() }

    /// The names of the fields the patch sets, for the activity log.
    public var fieldNames: [String] {
        var names: [String] = []
        if name != nil { names.append("name") }
        if description != nil { names.append("description") }
        if tags != nil { names.append("tags") }
        if addTags != nil { names.append("addTags") }
        if removeTags != nil { names.append("removeTags") }
        if metadata != nil { names.append("metadata") }
        if status != nil { names.append("status") }
        if license != nil { names.append("license") }
        if licenseDetails != nil { names.append("licenseDetails") }
        if expiresAt != nil { names.append("expiresAt") }
        if copyrightHolder != nil { names.append("copyrightHolder") }
        if copyrightYear != nil { names.append("copyrightYear") }
        if usageRights != nil { names.append("usageRights") }
        if creator != nil { names.append("creator") }
        return names
    }
}

import Foundation

/// A curated set of assets: hand-picked (MANUAL, LIGHTBOX, DELIVERABLE) or defined by a query (SMART).
public struct AssetCollection: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var name: String
    public var slug: String
    public var description: String?
    public var collectionType: CollectionType
    /// For SMART collections: a query in the search language.
    public var smartQuery: String?
    /// For SMART collections: rules in the DAM spec's field/operator/value form.
    public var smartRules: JSONValue?
    public var coverAssetId: Int64?
    public var allowDownload: Bool
    public var allowComments: Bool
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: String = Organization.defaultId, name: String, slug: String,
        description: String? = nil, collectionType: CollectionType = .manual, smartQuery: String? = nil,
        createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.organizationId = organizationId
        self.name = name
        self.slug = slug
        self.description = description
        self.collectionType = collectionType
        self.smartQuery = smartQuery
        self.allowDownload = true
        self.allowComments = true
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
    }
}

public enum CollectionType: String, Codable, Sendable, CaseIterable {
    case manual = "MANUAL", smart = "SMART", lightbox = "LIGHTBOX", deliverable = "DELIVERABLE"
}

public struct CollectionItem: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var collectionId: Int64
    public var assetId: Int64
    public var sortOrder: Int
    public var note: String?
    public var addedBy: String
    public var addedAt: Date

    public init(id: Int64? = nil, collectionId: Int64, assetId: Int64, sortOrder: Int, note: String? = nil,
                addedBy: String = Actor.system.name, now: Date = Date()) {
        self.id = id
        self.collectionId = collectionId
        self.assetId = assetId
        self.sortOrder = sortOrder
        self.note = note
        self.addedBy = addedBy
        self.addedAt = now
    }
}

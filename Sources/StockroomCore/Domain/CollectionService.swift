import Foundation

/// Creating collections, filling them, and resolving who is in them.
public struct CollectionService: Sendable {
    let collections: any CollectionRepository
    let assets: any AssetCatalogRepository
    let organizationId: String

    public init(collections: any CollectionRepository, assets: any AssetCatalogRepository,
                organizationId: String = Organization.defaultId) {
        self.collections = collections
        self.assets = assets
        self.organizationId = organizationId
    }

    /// Creates a collection. A SMART collection needs rules (`smartRules`) or a query text
    /// (`smartQuery`, in the search language of Docs/query.md); other types take neither.
    public func createCollection(name: String, slug: String? = nil, type: CollectionType? = nil, description: String? = nil,
                                 smartQuery: String? = nil, smartRules: SmartRules? = nil,
                                 allowDownload: Bool = true, by actor: Actor) throws(DomainError) -> AssetCollection {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidArgument("a collection needs a name") }
        let slug = slug ?? Slug.make(from: trimmed)
        guard Slug.isValid(slug) else {
            throw .invalidArgument("\"\(slug)\" is not a valid slug (lowercase letters, digits, '-', '.', '_')")
        }
        let isSmart = smartQuery != nil || smartRules != nil
        let type = type ?? (isSmart ? .smart : .manual)
        if type == .smart && !isSmart {
            throw .invalidArgument("a SMART collection needs --smart-rules JSON or a --smart query")
        }
        if type != .smart && isSmart {
            throw .invalidArgument("only SMART collections take rules or a query (got type \(type.rawValue))")
        }
        try smartRules?.validate()
        if let smartQuery {
            do { _ = try AssetQuery.parse(smartQuery) } catch {
                throw .invalidArgument("invalid smart query: \(error)")
            }
        }
        var collection = AssetCollection(organizationId: organizationId, name: trimmed, slug: slug, description: description,
                                         collectionType: type, smartQuery: smartQuery, createdBy: actor.name)
        collection.smartRules = try smartRules.map { rules throws(DomainError) in
            do { return try JSONValue.encoding(rules) } catch { throw .invalidArgument("cannot store smart rules: \(error)") }
        }
        collection.allowDownload = allowDownload
        do {
            return try collections.createCollection(collection, by: actor)
        } catch .alreadyExists {
            throw .alreadyExists("a collection with slug \"\(slug)\" already exists")
        }
    }

    public func allCollections() throws(DomainError) -> [CollectionSummary] {
        let all = try collections.collections(organizationId: organizationId)
        let counts = try collections.memberCounts(of: all)
        return all.map { CollectionSummary(collection: $0, assetCount: counts[$0.id!] ?? 0) }
    }

    /// The collection with this slug, or a `notFound` error.
    public func collection(slug: String) throws(DomainError) -> AssetCollection {
        if let found = try collections.collection(slug: slug, organizationId: organizationId) { return found }
        throw .notFound("unknown collection \"\(slug)\" (see `stockroom collection list`)")
    }

    public func addAssets(_ assetIds: [Int64], to slug: String, note: String? = nil, by actor: Actor) throws(DomainError) -> [CollectionItem] {
        let collection = try collection(slug: slug)
        guard collection.collectionType != .smart else {
            throw .invalidArgument("\(slug) is a SMART collection: its members come from its rules, not from `add`")
        }
        guard !assetIds.isEmpty else { throw .invalidArgument("name at least one asset id") }
        return try collections.addItems(collectionId: collection.id!, assetIds: assetIds, note: note, by: actor)
    }

    public func removeAssets(_ assetIds: [Int64], from slug: String, by actor: Actor = .system) throws(DomainError) -> Int {
        let collection = try collection(slug: slug)
        guard collection.collectionType != .smart else {
            throw .invalidArgument("\(slug) is a SMART collection: change its rules to change its members")
        }
        return try collections.removeItems(collectionId: collection.id!, assetIds: assetIds, by: actor)
    }

    public func deleteCollection(slug: String, by actor: Actor = .system) throws(DomainError) {
        try collections.deleteCollection(id: try collection(slug: slug).id!, by: actor)
    }

    /// The member asset ids of a collection in display order (the one function every caller
    /// uses to resolve membership, manual or smart).
    public func memberAssetIds(of collection: AssetCollection) throws(DomainError) -> [Int64] {
        try collections.assetIds(in: collection)
    }

    /// The collection with its members, each with its note and tags.
    public func details(slug: String) throws(DomainError) -> CollectionDetails {
        let collection = try collection(slug: slug)
        let ids = try collections.assetIds(in: collection)
        let notes = Dictionary(try collections.items(collectionId: collection.id!).map { ($0.assetId, $0.note) },
                               uniquingKeysWith: { a, _ in a })
        let members = try assets.assets(ids: ids)
        let tags = try assets.tagNames(assetIds: ids)
        return CollectionDetails(
            collection: collection,
            items: members.map { asset in
                CollectionDetails.Item(assetId: asset.id!, name: asset.name, assetType: asset.assetType, status: asset.status,
                                       note: notes[asset.id!] ?? nil, tags: tags[asset.id!] ?? [])
            }
        )
    }
}

public struct CollectionSummary: Encodable, Sendable, Equatable {
    public var collection: AssetCollection
    public var assetCount: Int

    public func encode(to encoder: Encoder) throws {
        try collection.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(assetCount, forKey: .assetCount)
    }

    private enum CodingKeys: String, CodingKey { case collection, assetCount }
}

public struct CollectionDetails: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var assetId: Int64
        public var name: String
        public var assetType: AssetType
        public var status: AssetStatus
        public var note: String?
        public var tags: [String]
    }

    public var collection: AssetCollection
    public var items: [Item]
}

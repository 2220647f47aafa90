import Foundation

/// Collections and their items, as the domain sees them.
public protocol CollectionRepository: Sendable {
    /// Saves the collection and logs `collection.created`.
    func createCollection(_ collection: AssetCollection, by actor: Actor) throws(DomainError) -> AssetCollection
    func collections(organizationId: String) throws(DomainError) -> [AssetCollection]
    func collection(slug: String, organizationId: String) throws(DomainError) -> AssetCollection?
    func collection(id: Int64) throws(DomainError) -> AssetCollection?
    /// Deletes the collection (its items go with it) and logs `collection.deleted`.
    func deleteCollection(id: Int64, by actor: Actor) throws(DomainError)
    /// Appends assets at the end, in the given order; assets already present keep their place
    /// (their note is replaced when one is given). Unknown asset ids fail the whole call. Logs
    /// `collection.items.added`.
    func addItems(collectionId: Int64, assetIds: [Int64], note: String?, by actor: Actor) throws(DomainError) -> [CollectionItem]
    /// Removes the assets; returns how many were members. Logs `collection.items.removed`.
    func removeItems(collectionId: Int64, assetIds: [Int64], by actor: Actor) throws(DomainError) -> Int
    func items(collectionId: Int64) throws(DomainError) -> [CollectionItem]
    /// The member asset ids in display order: item order for hand-picked collections, the rules'
    /// result (newest first) for SMART ones.
    func assetIds(in collection: AssetCollection) throws(DomainError) -> [Int64]
    /// Counts of members per collection id, for listings.
    func memberCounts(of collections: [AssetCollection]) throws(DomainError) -> [Int64: Int]
}

extension CollectionRepository {
    public func createCollection(_ collection: AssetCollection) throws(DomainError) -> AssetCollection {
        try createCollection(collection, by: Actor(recordedName: collection.createdBy))
    }

    public func deleteCollection(id: Int64) throws(DomainError) {
        try deleteCollection(id: id, by: .system)
    }

    public func addItems(collectionId: Int64, assetIds: [Int64], note: String?, addedBy: String) throws(DomainError) -> [CollectionItem] {
        try addItems(collectionId: collectionId, assetIds: assetIds, note: note, by: Actor(recordedName: addedBy))
    }

    public func removeItems(collectionId: Int64, assetIds: [Int64]) throws(DomainError) -> Int {
        try removeItems(collectionId: collectionId, assetIds: assetIds, by: .system)
    }
}

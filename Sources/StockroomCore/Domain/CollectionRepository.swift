import Foundation

/// Collections and their items, as the domain sees them.
public protocol CollectionRepository: Sendable {
    func createCollection(_ collection: AssetCollection) throws(DomainError) -> AssetCollection
    func collections(organizationId: String) throws(DomainError) -> [AssetCollection]
    func collection(slug: String, organizationId: String) throws(DomainError) -> AssetCollection?
    func collection(id: Int64) throws(DomainError) -> AssetCollection?
    func deleteCollection(id: Int64) throws(DomainError)
    /// Appends assets at the end, in the given order; assets already present keep their place
    /// (their note is replaced when one is given). Unknown asset ids fail the whole call.
    func addItems(collectionId: Int64, assetIds: [Int64], note: String?, addedBy: String) throws(DomainError) -> [CollectionItem]
    /// Removes the assets; returns how many were members.
    func removeItems(collectionId: Int64, assetIds: [Int64]) throws(DomainError) -> Int
    func items(collectionId: Int64) throws(DomainError) -> [CollectionItem]
    /// The member asset ids in display order: item order for hand-picked collections, the rules'
    /// result (newest first) for SMART ones.
    func assetIds(in collection: AssetCollection) throws(DomainError) -> [Int64]
    /// Counts of members per collection id, for listings.
    func memberCounts(of collections: [AssetCollection]) throws(DomainError) -> [Int64: Int]
}

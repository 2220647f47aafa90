import Foundation

/// Running queries of the search language against a catalog.
public protocol AssetQueryRepository: Sendable {
    /// Ids of the assets matching `query`, ascending, at most `limit`.
    func assetIDs(matching query: AssetQuery, limit: Int?, now: Date, organizationId: String) throws(DomainError) -> [Int64]
    /// The matching assets in `sort` order, at most `limit`, with the total count.
    func searchAssets(_ query: AssetQuery, sort: AssetSort, limit: Int?, now: Date, organizationId: String) throws(DomainError) -> AssetSearchPage
}

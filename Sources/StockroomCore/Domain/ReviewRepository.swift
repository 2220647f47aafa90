import Foundation

/// Client decisions and selections made through share links.
public protocol ReviewRepository: Sendable {
    /// The decisions of a link, by asset.
    func reviews(shareLinkId: Int64) throws(DomainError) -> [AssetReview]
    /// Records `decision` for the asset (`.open` removes the decision) and logs `review.decided`
    /// for `actor` with `details` in the same transaction. Returns the state now recorded.
    func recordReview(_ review: AssetReview, by actor: Actor, assetName: String, details: [String: JSONValue]) throws(DomainError) -> AssetReview
    /// Decisions, comment counts (in the link's threads) and the selection of a link, in a few queries.
    func reviewState(of link: ShareLink) throws(DomainError) -> ShareReviewState
    /// Adds the asset to, or removes it from, the link's selection: a LIGHTBOX collection named
    /// `name` (made on the first pick and remembered on the link). Logs `selection.added` or
    /// `selection.removed`. Returns the selection's asset ids and the collection.
    func setSelected(_ selected: Bool, assetId: Int64, assetName: String, link: ShareLink, name: String, by actor: Actor,
                     details: [String: JSONValue], now: Date) throws(DomainError) -> ShareSelection
}

/// The assets an EDIT link's client has picked, kept as a LIGHTBOX collection staff can open.
public struct ShareSelection: Codable, Sendable, Equatable {
    public var collectionSlug: String?
    public var assetIds: [Int64]

    public init(collectionSlug: String?, assetIds: [Int64]) {
        self.collectionSlug = collectionSlug
        self.assetIds = assetIds
    }
}

import Foundation

/// A live link with everything a request through it needs: what it shows, which files each asset
/// may show, and on which terms. Built in a few queries and cached by the HTTP edge until the
/// catalog changes.
public struct ResolvedShare: Sendable {
    public var link: ShareLink
    public var content: SharedContent
    /// What the page may show of each asset, by asset id.
    public var displays: [Int64: SharedDisplay]
    /// Decisions, comment counts and the selection made through the link (COMMENT and EDIT links).
    public var review: ShareReviewState
    private var positions: [Int64: Int]
    /// When it was read from the catalog (smart collections with relative dates age).
    public var loadedAt: Date

    public init(link: ShareLink, content: SharedContent, displays: [Int64: SharedDisplay],
                review: ShareReviewState = ShareReviewState(), loadedAt: Date) {
        self.link = link
        self.content = content
        self.displays = displays
        self.review = review
        self.loadedAt = loadedAt
        positions = Dictionary(content.assets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The member with this id, still shareable at `now`; `nil` for anything the link does not reach.
    public func asset(_ id: Int64, now: Date = Date()) -> SharedAsset? {
        guard let index = positions[id] else { return nil }
        let asset = content.assets[index]
        return SharedAsset.isShareable(asset.asset, at: now) ? asset : nil
    }

    /// The members still shareable at `now` (a license may have run out since loading).
    public func visibleAssets(now: Date = Date()) -> [SharedAsset] {
        content.assets.filter { SharedAsset.isShareable($0.asset, at: now) }
    }

    public func display(of asset: SharedAsset) -> SharedDisplay {
        displays[asset.id] ?? SharedDisplay(asset, link: link, terms: .failClosed)
    }

    /// Whether the link is still open at `now`: expiry is checked on every use, revocation by reloading.
    public func checkOpen(now: Date = Date()) throws(ShareAccessError) {
        if link.revokedAt != nil { throw .notFound }
        if let expiresAt = link.expiresAt, expiresAt <= now { throw .expired }
    }
}

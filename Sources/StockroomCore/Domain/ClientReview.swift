import Foundation

/// A client's decision on one asset of a share link: approved, rejected, or still open.
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    case approved = "APPROVED", rejected = "REJECTED", open = "OPEN"

    /// Accepts the states and the verbs a person types: `approve`/`approved`, `reject`/`rejected`,
    /// `clear`/`open`, in any case.
    public init?(input: String) {
        switch input.trimmingCharacters(in: .whitespaces).lowercased() {
        case "approve", "approved": self = .approved
        case "reject", "rejected": self = .rejected
        case "clear", "open": self = .open
        default: return nil
        }
    }
}

/// The decision recorded for one asset through one share link (the latest one; the history is in
/// the activity log as `review.decided`). An asset with no row is open.
public struct AssetReview: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var shareLinkId: Int64
    public var assetId: Int64
    public var decision: ReviewDecision
    public var note: String?
    /// The name the client gave.
    public var authorName: String
    public var decidedAt: Date

    public init(id: Int64? = nil, shareLinkId: Int64, assetId: Int64, decision: ReviewDecision, note: String?,
                authorName: String, decidedAt: Date) {
        self.id = id
        self.shareLinkId = shareLinkId
        self.assetId = assetId
        self.decision = decision
        self.note = note
        self.authorName = authorName
        self.decidedAt = decidedAt
    }
}

/// How many of a link's assets are approved, rejected and still open: "12 approved, 3 rejected, 5 open".
public struct ReviewSummary: Codable, Sendable, Equatable, CustomStringConvertible {
    public var approved: Int
    public var rejected: Int
    public var open: Int

    public init(approved: Int = 0, rejected: Int = 0, open: Int = 0) {
        self.approved = approved
        self.rejected = rejected
        self.open = open
    }

    /// Counts the decisions of `assetIds` (assets without a decision are open).
    public init(assetIds: [Int64], reviews: [Int64: AssetReview]) {
        self.init()
        for id in assetIds {
            switch reviews[id]?.decision ?? .open {
            case .approved: approved += 1
            case .rejected: rejected += 1
            case .open: open += 1
            }
        }
    }

    public var description: String { "\(approved) approved, \(rejected) rejected, \(open) open" }
}

/// What a client has done through one link, loaded with the link and cached with it: decisions
/// per asset, how many comments each asset has in the link's threads, and the EDIT selection.
public struct ShareReviewState: Sendable, Equatable {
    public var reviews: [Int64: AssetReview]
    public var commentCounts: [Int64: Int]
    public var selected: Set<Int64>

    public init(reviews: [Int64: AssetReview] = [:], commentCounts: [Int64: Int] = [:], selected: Set<Int64> = []) {
        self.reviews = reviews
        self.commentCounts = commentCounts
        self.selected = selected
    }

    public func decision(of assetId: Int64) -> ReviewDecision { reviews[assetId]?.decision ?? .open }
}

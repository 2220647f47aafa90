import Foundation

/// The decisions made through one link, for staff (`stockroom review list TOKEN`): every asset
/// the link shows with its decision (OPEN when none), and decided assets it no longer shows.
public struct ShareReviewReport: Encodable, Sendable, Equatable {
    public struct Row: Encodable, Sendable, Equatable {
        public var assetId: Int64
        public var name: String
        public var decision: ReviewDecision
        public var note: String?
        /// The name the client gave.
        public var decidedBy: String?
        public var decidedAt: Date?
        /// Whether the link still shows the asset.
        public var shared: Bool
    }

    public var token: String
    public var target: String
    public var accessLevel: ShareAccessLevel
    public var summary: ReviewSummary
    public var assets: [Row]
}

extension ShareService {
    public func reviewReport(token: String, now: Date = Date()) throws(DomainError) -> ShareReviewReport {
        guard let reviews else { throw .invalidArgument("review list works on a SQLite catalog: client decisions are not kept in this catalog yet") }
        let link = try shareLink(token: token)
        let summary = try self.summary(token: token, now: now)
        let shown = try content(of: link, now: now).assets
        let decisions = Dictionary(try reviews.reviews(shareLinkId: link.id!).map { ($0.assetId, $0) }, uniquingKeysWith: { a, _ in a })
        var rows = shown.map { asset in
            let review = decisions[asset.id]
            return ShareReviewReport.Row(assetId: asset.id, name: asset.asset.name, decision: review?.decision ?? .open, note: review?.note,
                                         decidedBy: review?.authorName, decidedAt: review?.decidedAt, shared: true)
        }
        let shownIds = Set(shown.map(\.id))
        let gone = decisions.values.filter { !shownIds.contains($0.assetId) }.sorted { $0.assetId < $1.assetId }
        let names = Dictionary(try assets.assets(ids: gone.map(\.assetId)).map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        rows += gone.map { review in
            ShareReviewReport.Row(assetId: review.assetId, name: names[review.assetId] ?? "asset \(review.assetId)", decision: review.decision,
                                  note: review.note, decidedBy: review.authorName, decidedAt: review.decidedAt, shared: false)
        }
        return ShareReviewReport(token: link.token, target: summary.target, accessLevel: link.accessLevel,
                                 summary: ReviewSummary(assetIds: shown.map(\.id), reviews: decisions), assets: rows)
    }
}

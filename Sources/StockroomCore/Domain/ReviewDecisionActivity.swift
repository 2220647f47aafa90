import Foundation

/// The `review.decided` activity entry of a client's decision, written alike by both catalogs
/// (and sent alike by webhooks): the decision, its note and the one it replaced.
enum ReviewDecisionActivity {
    static func decided(_ review: AssetReview, before: AssetReview?, by actor: Actor, assetName: String,
                        details: [String: JSONValue]) -> Activity {
        var metadata = details
        metadata["decision"] = .string(review.decision.rawValue)
        metadata["assetId"] = .number(Double(review.assetId))
        metadata["shareLinkId"] = .number(Double(review.shareLinkId))
        metadata["authorName"] = .string(review.authorName)
        if let note = review.note { metadata["note"] = .string(note) }
        if let before { metadata["previousDecision"] = .string(before.decision.rawValue) }
        let verb = switch review.decision {
        case .approved: "approved"
        case .rejected: "rejected"
        case .open: "cleared the decision on"
        }
        return Activity(
            organizationId: Organization.defaultId, actor: actor, action: "review.decided", entityType: "asset",
            entityId: String(review.assetId), entityTitle: assetName,
            description: "\(review.authorName) \(verb) \(assetName)\(review.note.map { ": \($0)" } ?? "")",
            metadata: .object(metadata), now: review.decidedAt)
    }
}

import Foundation
import StockroomCore

/// A comment as a share link's client sees it: the name shown, whether a client or staff wrote
/// it, where it points, and its replies. Internal fields (author ids, the link, who resolved it)
/// stay out.
struct ClientCommentView: Encodable, Sendable {
    var id: Int64
    var parentId: Int64?
    var content: String
    var authorName: String
    /// `client` or `staff`.
    var authorType: String
    var annotation: Annotation?
    var isResolved: Bool
    var createdAt: Date
    var replies: [ClientCommentView]

    init(_ thread: CommentThread) {
        self.init(thread.comment, replies: thread.replies.map(ClientCommentView.init))
    }

    init(_ comment: Comment, replies: [ClientCommentView] = []) {
        id = comment.id ?? 0
        parentId = comment.parentId
        content = comment.content
        authorName = comment.authorName ?? comment.authorId
        authorType = comment.authorType == Actor.Kind.client.rawValue ? "client" : "staff"
        annotation = comment.annotation
        isResolved = comment.isResolved
        createdAt = comment.createdAt
        self.replies = replies
    }
}

/// `POST /s/{token}/assets/{assetId}/comments`.
struct ClientCommentBody: Decodable {
    var content: String
    var authorName: String?
    var annotation: Annotation?
    var parentId: Int64?
}

/// `PUT /s/{token}/assets/{assetId}/review`: `decision` is `approved`, `rejected` or `open`
/// (also `approve`, `reject`, `clear`).
struct ClientReviewBody: Decodable {
    var decision: String
    var note: String?
    var authorName: String?
}

/// `PUT /s/{token}/assets/{assetId}/selection`.
struct ClientSelectionBody: Decodable {
    var selected: Bool
    var authorName: String?
}

/// The answer to a decision: the asset's state and the link's counts after it.
struct ClientReviewAnswer: Encodable {
    var review: ReviewStateView
    var summary: ReviewSummary
}

/// The answer to a pick: whether the asset is selected now, and how many are.
struct ClientSelectionAnswer: Encodable {
    var assetId: Int64
    var selected: Bool
    var selectedCount: Int
}

import Foundation

/// Threaded comments on assets.
public protocol CommentRepository: Sendable {
    func comments(assetId: Int64) throws(DomainError) -> [Comment]
    func comment(id: Int64) throws(DomainError) -> Comment?
    func addComment(_ comment: Comment) throws(DomainError) -> Comment
    func resolveComment(id: Int64, by actor: String, at now: Date) throws(DomainError) -> Comment
}

/// A comment with its replies, for threaded output.
public struct CommentThread: Encodable, Sendable, Equatable {
    public var comment: Comment
    public var replies: [CommentThread]

    /// Nests comments under their parents; roots and replies oldest first.
    public static func build(from comments: [Comment]) -> [CommentThread] {
        let byParent = Dictionary(grouping: comments, by: \.parentId)
        func threads(under parent: Int64?) -> [CommentThread] {
            (byParent[parent] ?? []).sorted { ($0.createdAt, $0.id ?? 0) < ($1.createdAt, $1.id ?? 0) }.map {
                CommentThread(comment: $0, replies: threads(under: $0.id))
            }
        }
        return threads(under: nil)
    }

    public func encode(to encoder: Encoder) throws {
        try comment.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(replies, forKey: .replies)
    }

    private enum CodingKeys: String, CodingKey { case comment, replies }
}

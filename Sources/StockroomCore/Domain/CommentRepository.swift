import Foundation

/// Threaded comments on assets.
public protocol CommentRepository: Sendable {
    func comments(assetId: Int64) throws(DomainError) -> [Comment]
    func comment(id: Int64) throws(DomainError) -> Comment?
    /// Comments matching the filter, oldest first.
    func comments(matching filter: CommentFilter) throws(DomainError) -> [Comment]
    /// Saves the comment and logs `comment.created` for `actor` (with `details`) in one
    /// transaction. A reply's parent must be a comment of the same asset. With `linkCap`, a
    /// client comment is refused (`conflict`) once its link holds that many comments.
    func addComment(_ comment: Comment, by actor: Actor, assetName: String, details: [String: JSONValue],
                    linkCap: Int?) throws(DomainError) -> Comment
    /// Marks the comment resolved by `actor` and logs `comment.resolved`.
    func resolveComment(id: Int64, by actor: Actor, at now: Date) throws(DomainError) -> Comment
}

/// Which comments `stockroom comment list` shows; every given condition must hold.
public struct CommentFilter: Sendable, Equatable {
    public var assetId: Int64?
    /// The threads started through this share link (with every reply in them, staff's too).
    public var shareLinkId: Int64?
    public var unresolvedOnly: Bool
    public var limit: Int

    public init(assetId: Int64? = nil, shareLinkId: Int64? = nil, unresolvedOnly: Bool = false, limit: Int = 10_000) {
        self.assetId = assetId
        self.shareLinkId = shareLinkId
        self.unresolvedOnly = unresolvedOnly
        self.limit = limit
    }
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

    /// The comments of `comments` whose thread was started through share link `linkId`: what a
    /// client of that link sees (staff comments outside those threads stay internal).
    public static func visible(_ comments: [Comment], throughLink linkId: Int64) -> [Comment] {
        let byId = Dictionary(comments.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        func root(_ comment: Comment) -> Comment {
            var current = comment
            var hops = 0
            while let parent = current.parentId.flatMap({ byId[$0] }), hops < 10_000 {
                current = parent
                hops += 1
            }
            return current
        }
        return comments.filter { root($0).shareLinkId == linkId }
    }

    public func encode(to encoder: Encoder) throws {
        try comment.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(replies, forKey: .replies)
    }

    private enum CodingKeys: String, CodingKey { case comment, replies }
}

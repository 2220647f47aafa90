import Foundation
import GRDB

extension SQLiteCatalog: CommentRepository {
    public func comments(assetId: Int64) throws(DomainError) -> [Comment] {
        try read { db in
            try Comment.filter(Column("assetId") == assetId).order(Column("createdAt"), Column("id")).fetchAll(db)
        }
    }

    public func comment(id: Int64) throws(DomainError) -> Comment? {
        try read { db in try Comment.fetchOne(db, key: id) }
    }

    public func comments(matching filter: CommentFilter) throws(DomainError) -> [Comment] {
        var conditions: [SQL] = []
        if let assetId = filter.assetId { conditions.append("comment.assetId = \(assetId)") }
        if filter.unresolvedOnly { conditions.append("comment.isResolved = 0") }
        let whereClause: SQL = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        let limit = max(1, filter.limit)
        return try read { db in
            if let linkId = filter.shareLinkId {
                // Every comment in a thread whose first comment came through the link.
                return try SQLRequest<Comment>(literal: """
                    WITH RECURSIVE thread(id) AS (
                        SELECT id FROM comment WHERE shareLinkId = \(linkId) AND parentId IS NULL
                        UNION SELECT comment.id FROM comment JOIN thread ON comment.parentId = thread.id
                    )
                    SELECT comment.* FROM comment JOIN thread ON thread.id = comment.id
                    WHERE \(whereClause) ORDER BY comment.createdAt, comment.id LIMIT \(limit)
                    """).fetchAll(db)
            }
            return try SQLRequest<Comment>(literal: """
                SELECT comment.* FROM comment WHERE \(whereClause) ORDER BY comment.createdAt, comment.id LIMIT \(limit)
                """).fetchAll(db)
        }
    }

    public func addComment(_ comment: Comment, by actor: Actor, assetName: String, details: [String: JSONValue],
                           linkCap: Int?) throws(DomainError) -> Comment {
        try write { db in
            if let parentId = comment.parentId {
                guard let parent = try Comment.fetchOne(db, key: parentId) else {
                    throw DomainError.notFound("parentId: no comment with id \(parentId) to reply to")
                }
                guard parent.assetId == comment.assetId else {
                    throw DomainError.invalidArgument("parentId: comment \(parentId) belongs to another asset")
                }
            }
            if let cap = linkCap, let linkId = comment.shareLinkId,
               try Int.fetchOne(db, sql: "SELECT count(*) FROM comment WHERE shareLinkId = ?", arguments: [linkId]) ?? 0 >= cap {
                throw DomainError.conflict("this link has reached its limit of \(cap) comments")
            }
            var comment = comment
            try comment.insert(db)
            try Self.logActivity(db, try CommentActivity.created(comment, by: actor, assetName: assetName, details: details))
            return comment
        }
    }

    public func resolveComment(id: Int64, by actor: Actor, at now: Date) throws(DomainError) -> Comment {
        try write { db in
            guard var comment = try Comment.fetchOne(db, key: id) else { throw DomainError.notFound("no comment with id \(id)") }
            guard !comment.isResolved else { return comment }
            comment.isResolved = true
            comment.resolvedBy = actor.name
            comment.resolvedAt = now
            comment.updatedAt = now
            try comment.update(db)
            let title = try String.fetchOne(db, sql: "SELECT name FROM asset WHERE id = ?", arguments: [comment.assetId]) ?? "asset \(comment.assetId)"
            try Self.logActivity(db, CommentActivity.resolved(comment, by: actor, assetTitle: title, now: now))
            return comment
        }
    }
}

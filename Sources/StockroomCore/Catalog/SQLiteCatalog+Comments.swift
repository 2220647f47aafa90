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

    public func addComment(_ comment: Comment) throws(DomainError) -> Comment {
        try write { db in
            if let parentId = comment.parentId {
                guard let parent = try Comment.fetchOne(db, key: parentId) else {
                    throw DomainError.notFound("no comment with id \(parentId) to reply to")
                }
                guard parent.assetId == comment.assetId else {
                    throw DomainError.invalidArgument("comment \(parentId) belongs to another asset")
                }
            }
            var comment = comment
            try comment.insert(db)
            return comment
        }
    }

    public func resolveComment(id: Int64, by actor: String, at now: Date) throws(DomainError) -> Comment {
        try write { db in
            guard var comment = try Comment.fetchOne(db, key: id) else { throw DomainError.notFound("no comment with id \(id)") }
            comment.isResolved = true
            comment.resolvedBy = actor
            comment.resolvedAt = now
            comment.updatedAt = now
            try comment.update(db)
            return comment
        }
    }
}

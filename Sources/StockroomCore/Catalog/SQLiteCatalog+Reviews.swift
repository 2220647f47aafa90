import Foundation
import GRDB

extension SQLiteCatalog: ReviewRepository {
    public func reviews(shareLinkId: Int64) throws(DomainError) -> [AssetReview] {
        try read { db in try AssetReview.filter(Column("shareLinkId") == shareLinkId).order(Column("assetId")).fetchAll(db) }
    }

    public func recordReview(_ review: AssetReview, by actor: Actor, assetName: String,
                             details: [String: JSONValue]) throws(DomainError) -> AssetReview {
        try write { db in
            let before = try AssetReview.filter(Column("shareLinkId") == review.shareLinkId && Column("assetId") == review.assetId).fetchOne(db)
            if review.decision == .open {
                guard before != nil else { return review }
                try db.execute(sql: "DELETE FROM share_review WHERE shareLinkId = ? AND assetId = ?",
                               arguments: [review.shareLinkId, review.assetId])
            } else {
                if let before, before.decision == review.decision, before.note == review.note, before.authorName == review.authorName {
                    return before
                }
                try db.execute(sql: """
                    INSERT INTO share_review (shareLinkId, assetId, decision, note, authorName, decidedAt) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (shareLinkId, assetId) DO UPDATE SET
                        decision = excluded.decision, note = excluded.note, authorName = excluded.authorName, decidedAt = excluded.decidedAt
                    """, arguments: [review.shareLinkId, review.assetId, review.decision, review.note, review.authorName, review.decidedAt])
            }
            try Self.logActivity(db, ReviewDecisionActivity.decided(review, before: before, by: actor, assetName: assetName, details: details))
            return try AssetReview.filter(Column("shareLinkId") == review.shareLinkId && Column("assetId") == review.assetId).fetchOne(db)
                ?? review
        }
    }

    public func reviewState(of link: ShareLink) throws(DomainError) -> ShareReviewState {
        guard let linkId = link.id else { return ShareReviewState() }
        return try read { db in
            var state = ShareReviewState()
            for review in try AssetReview.filter(Column("shareLinkId") == linkId).fetchAll(db) { state.reviews[review.assetId] = review }
            let counts = try Row.fetchAll(db, sql: """
                WITH RECURSIVE thread(id) AS (
                    SELECT id FROM comment WHERE shareLinkId = ? AND parentId IS NULL
                    UNION SELECT comment.id FROM comment JOIN thread ON comment.parentId = thread.id
                )
                SELECT comment.assetId, count(*) AS n FROM comment JOIN thread ON thread.id = comment.id GROUP BY comment.assetId
                """, arguments: [linkId])
            for row in counts { state.commentCounts[row["assetId"]] = row["n"] }
            if let collectionId = try Int64.fetchOne(db, sql: "SELECT selectionCollectionId FROM share_link WHERE id = ?", arguments: [linkId]) {
                state.selected = Set(try Int64.fetchAll(db, sql: "SELECT assetId FROM collection_item WHERE collectionId = ?",
                                                        arguments: [collectionId]))
            }
            return state
        }
    }

    public func setSelected(_ selected: Bool, assetId: Int64, assetName: String, link: ShareLink, name: String, by actor: Actor,
                            details: [String: JSONValue], now: Date) throws(DomainError) -> ShareSelection {
        guard let linkId = link.id else { throw .notFound("no such share link") }
        return try write { db in
            var collectionId = try Int64.fetchOne(db, sql: "SELECT selectionCollectionId FROM share_link WHERE id = ?", arguments: [linkId])
            if collectionId == nil {
                guard selected else { return ShareSelection(collectionSlug: nil, assetIds: []) }
                var slug = "selection-\(linkId)"
                var suffix = 2
                while try Int.fetchOne(db, sql: "SELECT count(*) FROM collection WHERE organizationId = ? AND slug = ?",
                                       arguments: [link.organizationId, slug]) ?? 0 > 0 {
                    slug = "selection-\(linkId)-\(suffix)"
                    suffix += 1
                }
                var collection = AssetCollection(organizationId: link.organizationId, name: name, slug: slug,
                                                 description: "Picked by the client of share link \(linkId)",
                                                 collectionType: .lightbox, createdBy: actor.name, now: now)
                try collection.insert(db)
                collectionId = collection.id
                try db.execute(sql: "UPDATE share_link SET selectionCollectionId = ? WHERE id = ?", arguments: [collection.id, linkId])
                try Self.logActivity(db, Activity(
                    organizationId: link.organizationId, actor: actor, action: "collection.created", entityType: "collection",
                    entityId: String(collection.id!), entityTitle: slug, description: "Created the selection \"\(name)\" of share link \(linkId)",
                    metadata: .object(["shareLinkId": .number(Double(linkId)), "collectionType": .string("LIGHTBOX")]), now: now))
            }
            let slug = try String.fetchOne(db, sql: "SELECT slug FROM collection WHERE id = ?", arguments: [collectionId])
            var changed = false
            if selected {
                let next = (try Int.fetchOne(db, sql: "SELECT max(sortOrder) FROM collection_item WHERE collectionId = ?",
                                             arguments: [collectionId]) ?? -1) + 1
                try db.execute(sql: """
                    INSERT OR IGNORE INTO collection_item (collectionId, assetId, sortOrder, note, addedBy, addedAt) VALUES (?, ?, ?, NULL, ?, ?)
                    """, arguments: [collectionId, assetId, next, actor.name, now])
                changed = db.changesCount > 0
            } else {
                try db.execute(sql: "DELETE FROM collection_item WHERE collectionId = ? AND assetId = ?", arguments: [collectionId, assetId])
                changed = db.changesCount > 0
            }
            if changed {
                try db.execute(sql: "UPDATE collection SET updatedAt = ? WHERE id = ?", arguments: [now, collectionId])
                var metadata = details
                metadata["shareLinkId"] = .number(Double(linkId))
                metadata["assetId"] = .number(Double(assetId))
                if let slug { metadata["collection"] = .string(slug) }
                try Self.logActivity(db, Activity(
                    organizationId: link.organizationId, actor: actor, action: selected ? "selection.added" : "selection.removed",
                    entityType: "asset", entityId: String(assetId), entityTitle: assetName,
                    description: "\(actor.name) \(selected ? "picked" : "unpicked") \(assetName)\(slug.map { " (selection \($0))" } ?? "")",
                    metadata: .object(metadata), now: now))
            }
            let ids = try Int64.fetchAll(db, sql: "SELECT assetId FROM collection_item WHERE collectionId = ? ORDER BY sortOrder, id",
                                         arguments: [collectionId])
            return ShareSelection(collectionSlug: slug, assetIds: ids)
        }
    }
}

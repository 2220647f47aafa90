import Foundation

// Client review decisions and an EDIT link's selection (catalog-v5), as the SQLite catalog keeps
// them (`SQLiteCatalog+Reviews`): one row per link and asset, the selection a LIGHTBOX collection
// remembered on the link, every change logged in its own transaction.
extension PostgresCatalog: ReviewRepository {
    public func reviews(shareLinkId: Int64) throws(DomainError) -> [AssetReview] {
        try read { tx throws(DomainError) in
            try tx.records(AssetReview.self, from: "share_review", where: "t.share_link_id = ?", [shareLinkId], orderBy: "t.asset_id")
        }
    }

    public func recordReview(_ review: AssetReview, by actor: Actor, assetName: String,
                             details: [String: JSONValue]) throws(DomainError) -> AssetReview {
        try write { tx throws(DomainError) in
            let key: [any SQLValueConvertible] = [review.shareLinkId, review.assetId]
            let before = try tx.record(AssetReview.self, from: "share_review", where: "t.share_link_id = ? AND t.asset_id = ?", key)
            if review.decision == .open {
                guard before != nil else { return review }
                try tx.execute("DELETE FROM share_review WHERE share_link_id = ? AND asset_id = ?", key)
            } else {
                if let before, before.decision == review.decision, before.note == review.note, before.authorName == review.authorName {
                    return before
                }
                try tx.execute("""
                    INSERT INTO share_review (share_link_id, asset_id, decision, note, author_name, decided_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (share_link_id, asset_id) DO UPDATE SET
                        decision = excluded.decision, note = excluded.note, author_name = excluded.author_name, decided_at = excluded.decided_at
                    """, [review.shareLinkId, review.assetId, review.decision.rawValue, review.note, review.authorName, review.decidedAt])
            }
            try tx.logActivity(ReviewDecisionActivity.decided(review, before: before, by: actor, assetName: assetName, details: details))
            return try tx.record(AssetReview.self, from: "share_review", where: "t.share_link_id = ? AND t.asset_id = ?", key) ?? review
        }
    }

    public func reviewState(of link: ShareLink) throws(DomainError) -> ShareReviewState {
        guard let linkId = link.id else { return ShareReviewState() }
        return try read { tx throws(DomainError) in
            var state = ShareReviewState()
            for review in try tx.records(AssetReview.self, from: "share_review", where: "t.share_link_id = ?", [linkId]) {
                state.reviews[review.assetId] = review
            }
            for row in try tx.run("""
                WITH RECURSIVE thread(id) AS (
                    SELECT id FROM comment WHERE share_link_id = ? AND parent_id IS NULL
                    UNION SELECT comment.id FROM comment JOIN thread ON comment.parent_id = thread.id
                )
                SELECT comment.asset_id, count(*) FROM comment JOIN thread ON thread.id = comment.id GROUP BY comment.asset_id
                """, [linkId]).rows {
                if let (assetId, count) = try? row.decode((Int64, Int64).self) { state.commentCounts[assetId] = Int(count) }
            }
            if let collectionId = try tx.scalar(Int64?.self, "SELECT selection_collection_id FROM share_link WHERE id = ?", [linkId]) ?? nil {
                state.selected = Set(try tx.column(Int64.self, "SELECT asset_id FROM collection_item WHERE collection_id = ?", [collectionId]))
            }
            return state
        }
    }

    public func setSelected(_ selected: Bool, assetId: Int64, assetName: String, link: ShareLink, name: String, by actor: Actor,
                            details: [String: JSONValue], now: Date) throws(DomainError) -> ShareSelection {
        guard let linkId = link.id else { throw .notFound("no such share link") }
        return try write { tx throws(DomainError) in
            // The link row is locked so that two first picks at once make one selection.
            var collectionId = try tx.scalar(Int64?.self, "SELECT selection_collection_id FROM share_link WHERE id = ? FOR UPDATE", [linkId]) ?? nil
            if collectionId == nil {
                guard selected else { return ShareSelection(collectionSlug: nil, assetIds: []) }
                var slug = "selection-\(linkId)"
                var suffix = 2
                while try tx.scalar(Int64.self, "SELECT count(*) FROM collection WHERE organization_id = ? AND slug = ?",
                                    [link.organizationId, slug]) ?? 0 > 0 {
                    slug = "selection-\(linkId)-\(suffix)"
                    suffix += 1
                }
                let collection = try tx.insert(AssetCollection(organizationId: link.organizationId, name: name, slug: slug,
                                                               description: "Picked by the client of share link \(linkId)",
                                                               collectionType: .lightbox, createdBy: actor.name, now: now), into: "collection")
                collectionId = collection.id
                try tx.execute("UPDATE share_link SET selection_collection_id = ? WHERE id = ?", [collection.id, linkId])
                try tx.logActivity(Activity(
                    organizationId: link.organizationId, actor: actor, action: "collection.created", entityType: "collection",
                    entityId: String(collection.id!), entityTitle: slug, description: "Created the selection \"\(name)\" of share link \(linkId)",
                    metadata: .object(["shareLinkId": .number(Double(linkId)), "collectionType": .string("LIGHTBOX")]), now: now))
            }
            let slug = try tx.scalar(String.self, "SELECT slug FROM collection WHERE id = ?", [collectionId])
            let changed: Bool
            if selected {
                changed = try tx.execute("""
                    INSERT INTO collection_item (collection_id, asset_id, sort_order, note, added_by, added_at)
                    SELECT ?, ?, COALESCE(max(sort_order), -1) + 1, NULL, ?, ? FROM collection_item WHERE collection_id = ?
                    ON CONFLICT (collection_id, asset_id) DO NOTHING
                    """, [collectionId, assetId, actor.name, now, collectionId]) > 0
            } else {
                changed = try tx.execute("DELETE FROM collection_item WHERE collection_id = ? AND asset_id = ?", [collectionId, assetId]) > 0
            }
            if changed {
                try tx.execute("UPDATE collection SET updated_at = ? WHERE id = ?", [now, collectionId])
                var metadata = details
                metadata["shareLinkId"] = .number(Double(linkId))
                metadata["assetId"] = .number(Double(assetId))
                if let slug { metadata["collection"] = .string(slug) }
                try tx.logActivity(Activity(
                    organizationId: link.organizationId, actor: actor, action: selected ? "selection.added" : "selection.removed",
                    entityType: "asset", entityId: String(assetId), entityTitle: assetName,
                    description: "\(actor.name) \(selected ? "picked" : "unpicked") \(assetName)\(slug.map { " (selection \($0))" } ?? "")",
                    metadata: .object(metadata), now: now))
            }
            let ids = try tx.column(Int64.self, "SELECT asset_id FROM collection_item WHERE collection_id = ? ORDER BY sort_order, id", [collectionId])
            return ShareSelection(collectionSlug: slug, assetIds: ids)
        }
    }
}

import Foundation

extension PostgresCatalog: CollectionRepository {
    public func createCollection(_ collection: AssetCollection, by actor: Actor) throws(DomainError) -> AssetCollection {
        try write { tx throws(DomainError) in
            let collection = try tx.insert(collection, into: "collection")
            try tx.logActivity(StaffEditActivity.collectionCreated(collection, by: actor))
            return collection
        }
    }

    public func collections(organizationId: String) throws(DomainError) -> [AssetCollection] {
        try read { tx throws(DomainError) in
            try tx.records(AssetCollection.self, from: "collection", where: "t.organization_id = ?", [organizationId], orderBy: "t.slug")
        }
    }

    public func collection(slug: String, organizationId: String) throws(DomainError) -> AssetCollection? {
        try read { tx throws(DomainError) in
            try tx.record(AssetCollection.self, from: "collection", where: "t.organization_id = ? AND t.slug = ?", [organizationId, slug])
        }
    }

    public func collection(id: Int64) throws(DomainError) -> AssetCollection? {
        try read { tx throws(DomainError) in try tx.record(AssetCollection.self, from: "collection", id: id) }
    }

    public func deleteCollection(id: Int64, by actor: Actor) throws(DomainError) {
        try write { tx throws(DomainError) in
            guard let collection = try tx.record(AssetCollection.self, from: "collection", id: id) else { return }
            let members = try tx.scalar(Int64.self, "SELECT count(*) FROM collection_item WHERE collection_id = ?", [id]) ?? 0
            try tx.execute("DELETE FROM collection WHERE id = ?", [id])
            try tx.logActivity(StaffEditActivity.collectionDeleted(collection, items: Int(members), by: actor, now: Date()))
        }
    }

    public func addItems(collectionId: Int64, assetIds: [Int64], note: String?, by actor: Actor) throws(DomainError) -> [CollectionItem] {
        let addedBy = actor.name
        return try write { tx throws(DomainError) in
            let known = Set(try tx.column(Int64.self, "SELECT id FROM asset WHERE id = ANY(?::bigint[])", [Self.array(assetIds)]))
            if let missing = assetIds.first(where: { !known.contains($0) }) {
                throw DomainError.notFound("no asset with id \(missing)")
            }
            // The collection row is locked, so two hosts appending at once get distinct places.
            try tx.execute("SELECT 1 FROM collection WHERE id = ? FOR UPDATE", [collectionId])
            var next = Int(try tx.scalar(Int64.self, "SELECT coalesce(max(sort_order), -1) + 1 FROM collection_item WHERE collection_id = ?",
                                         [collectionId]) ?? 0)
            var result: [CollectionItem] = []
            for assetId in assetIds {
                if var existing = try tx.record(CollectionItem.self, from: "collection_item", where: "t.collection_id = ? AND t.asset_id = ?",
                                                [collectionId, assetId]) {
                    if let note {
                        existing.note = note
                        try tx.update(existing, in: "collection_item", id: existing.id)
                    }
                    result.append(existing)
                    continue
                }
                let item = CollectionItem(collectionId: collectionId, assetId: assetId, sortOrder: next, note: note, addedBy: addedBy)
                result.append(try tx.insert(item, into: "collection_item"))
                next += 1
            }
            try tx.execute("UPDATE collection SET updated_at = ? WHERE id = ?", [Date(), collectionId])
            let slug = try tx.scalar(String.self, "SELECT slug FROM collection WHERE id = ?", [collectionId]) ?? String(collectionId)
            try tx.logActivity(StaffEditActivity.itemsAdded(collectionId: collectionId, slug: slug, assetIds: assetIds, note: note,
                                                            by: actor, now: Date()))
            return result
        }
    }

    public func removeItems(collectionId: Int64, assetIds: [Int64], by actor: Actor) throws(DomainError) -> Int {
        try write { tx throws(DomainError) in
            let removed = try tx.execute("DELETE FROM collection_item WHERE collection_id = ? AND asset_id = ANY(?::bigint[])",
                                         [collectionId, Self.array(assetIds)])
            guard removed > 0 else { return 0 }
            let slug = try tx.scalar(String.self, "SELECT slug FROM collection WHERE id = ?", [collectionId]) ?? String(collectionId)
            try tx.logActivity(StaffEditActivity.itemsRemoved(collectionId: collectionId, slug: slug, assetIds: assetIds,
                                                              removed: removed, by: actor, now: Date()))
            return removed
        }
    }

    public func items(collectionId: Int64) throws(DomainError) -> [CollectionItem] {
        try read { tx throws(DomainError) in
            try tx.records(CollectionItem.self, from: "collection_item", where: "t.collection_id = ?", [collectionId], orderBy: "t.sort_order, t.id")
        }
    }

    public func assetIds(in collection: AssetCollection) throws(DomainError) -> [Int64] {
        guard collection.collectionType == .smart else {
            return try items(collectionId: collection.id!).map(\.assetId)
        }
        guard let rulesJSON = collection.smartRules else {
            guard let text = collection.smartQuery else { return [] }
            let query: AssetQuery
            do { query = try AssetQuery.parse(text) } catch {
                throw .invalidArgument("collection \(collection.slug) has an invalid smart query: \(error)")
            }
            return try assetIDs(matching: query, limit: nil, now: Date(), organizationId: collection.organizationId)
        }
        let rules: SmartRules
        do { rules = try rulesJSON.decode(SmartRules.self) } catch {
            throw .invalidArgument("collection \(collection.slug) has unreadable smart rules: \(error)")
        }
        let condition = try SmartRulesSQL.condition(for: rules, dialect: .postgresql)
        return try read { tx throws(DomainError) in
            try tx.column(Int64.self, SQLFragment(sql: """
                SELECT asset.id FROM asset WHERE asset.organization_id = ? AND \(condition.sql)
                ORDER BY asset.created_at DESC, asset.id DESC
                """, values: [.text(collection.organizationId)] + condition.arguments))
        }
    }

    public func memberCounts(of collections: [AssetCollection]) throws(DomainError) -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        let manual = collections.filter { $0.collectionType != .smart }.compactMap(\.id)
        try read { tx throws(DomainError) in
            for row in try tx.run("SELECT collection_id, count(*) FROM collection_item WHERE collection_id = ANY(?::bigint[]) GROUP BY collection_id",
                                  [Self.array(manual)]).rows {
                if let (id, n) = try? row.decode((Int64, Int64).self) { counts[id] = Int(n) }
            }
        }
        for smart in collections where smart.collectionType == .smart {
            counts[smart.id!] = try assetIds(in: smart).count
        }
        return counts
    }
}

extension PostgresCatalog: CommentRepository {
    public func comments(assetId: Int64) throws(DomainError) -> [Comment] {
        try read { tx throws(DomainError) in
            try tx.records(Comment.self, from: "comment", where: "t.asset_id = ?", [assetId], orderBy: "t.created_at, t.id")
        }
    }

    public func comment(id: Int64) throws(DomainError) -> Comment? {
        try read { tx throws(DomainError) in try tx.record(Comment.self, from: "comment", id: id) }
    }

    public func comments(matching filter: CommentFilter) throws(DomainError) -> [Comment] {
        var all = try read { tx throws(DomainError) in
            if let assetId = filter.assetId {
                return try tx.records(Comment.self, from: "comment", where: "t.asset_id = ?", [assetId], orderBy: "t.created_at, t.id")
            }
            return try tx.records(Comment.self, from: "comment", orderBy: "t.created_at, t.id")
        }
        if let linkId = filter.shareLinkId { all = CommentThread.visible(all, throughLink: linkId) }
        if filter.unresolvedOnly { all = all.filter { !$0.isResolved } }
        return Array(all.prefix(filter.limit))
    }

    public func addComment(_ comment: Comment, by actor: Actor, assetName: String, details: [String: JSONValue],
                           linkCap: Int?) throws(DomainError) -> Comment {
        try write { tx throws(DomainError) in
            if let parentId = comment.parentId {
                guard let parent = try tx.record(Comment.self, from: "comment", id: parentId) else {
                    throw DomainError.notFound("parentId: no comment with id \(parentId) to reply to")
                }
                guard parent.assetId == comment.assetId else {
                    throw DomainError.invalidArgument("parentId: comment \(parentId) belongs to another asset")
                }
            }
            if let cap = linkCap, let linkId = comment.shareLinkId {
                // The link's row is locked, so two hosts posting at once cannot both take the last place.
                try tx.execute("SELECT 1 FROM share_link WHERE id = ? FOR UPDATE", [linkId])
                if try tx.scalar(Int64.self, "SELECT count(*) FROM comment WHERE share_link_id = ?", [linkId]) ?? 0 >= Int64(cap) {
                    throw DomainError.conflict("this link has reached its limit of \(cap) comments")
                }
            }
            let comment = try tx.insert(comment, into: "comment")
            try tx.logActivity(CommentActivity.created(comment, by: actor, assetName: assetName, details: details))
            return comment
        }
    }

    public func resolveComment(id: Int64, by actor: Actor, at now: Date) throws(DomainError) -> Comment {
        try write { tx throws(DomainError) in
            guard var comment = try tx.record(Comment.self, from: "comment", id: id) else { throw DomainError.notFound("no comment with id \(id)") }
            guard !comment.isResolved else { return comment }
            comment.isResolved = true
            comment.resolvedBy = actor.name
            comment.resolvedAt = now
            comment.updatedAt = now
            try tx.update(comment, in: "comment", id: id)
            let title = try tx.scalar(String.self, "SELECT name FROM asset WHERE id = ?", [comment.assetId]) ?? "asset \(comment.assetId)"
            try tx.logActivity(CommentActivity.resolved(comment, by: actor, assetTitle: title, now: now))
            return comment
        }
    }
}

extension PostgresCatalog: APIKeyRepository {
    public func createAPIKey(_ key: APIKey, by actor: Actor) throws(DomainError) -> APIKey {
        try write { tx throws(DomainError) in
            let key = try tx.insert(key, into: "api_key")
            try tx.logActivity(StaffEditActivity.apiKeyCreated(key, by: actor))
            return key
        }
    }

    public func apiKeys(organizationId: String) throws(DomainError) -> [APIKey] {
        try read { tx throws(DomainError) in
            try tx.records(APIKey.self, from: "api_key", where: "t.organization_id = ?", [organizationId], orderBy: "t.created_at, t.id")
        }
    }

    public func apiKey(prefix: String) throws(DomainError) -> APIKey? {
        try read { tx throws(DomainError) in try tx.record(APIKey.self, from: "api_key", where: "t.prefix = ?", [prefix]) }
    }

    public func revokeAPIKey(prefix: String, at now: Date, by actor: Actor) throws(DomainError) -> Bool {
        try write { tx throws(DomainError) in
            guard try tx.execute("UPDATE api_key SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL", [now, prefix]) == 1,
                  let key = try tx.record(APIKey.self, from: "api_key", where: "t.prefix = ?", [prefix]) else { return false }
            try tx.logActivity(StaffEditActivity.apiKeyRevoked(key, by: actor, now: now))
            return true
        }
    }

    public func touchAPIKey(id: Int64, at now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in try tx.execute("UPDATE api_key SET last_used_at = ? WHERE id = ?", [now, id]) }
    }
}

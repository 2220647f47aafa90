import Foundation
import GRDB

extension SQLiteCatalog: CollectionRepository {
    public func createCollection(_ collection: AssetCollection, by actor: Actor) throws(DomainError) -> AssetCollection {
        try write { db in
            var collection = collection
            try collection.insert(db)
            try Self.logActivity(db, StaffEditActivity.collectionCreated(collection, by: actor))
            return collection
        }
    }

    public func collections(organizationId: String) throws(DomainError) -> [AssetCollection] {
        try read { db in
            try AssetCollection.filter(AssetCollection.Columns.organizationId == organizationId)
                .order(AssetCollection.Columns.slug).fetchAll(db)
        }
    }

    public func collection(slug: String, organizationId: String) throws(DomainError) -> AssetCollection? {
        try read { db in
            try AssetCollection.filter(AssetCollection.Columns.organizationId == organizationId && AssetCollection.Columns.slug == slug)
                .fetchOne(db)
        }
    }

    public func collection(id: Int64) throws(DomainError) -> AssetCollection? {
        try read { db in try AssetCollection.fetchOne(db, key: id) }
    }

    public func deleteCollection(id: Int64, by actor: Actor) throws(DomainError) {
        try write { db in
            guard let collection = try AssetCollection.fetchOne(db, key: id) else { return }
            let members = try Int.fetchOne(db, sql: "SELECT count(*) FROM collection_item WHERE collectionId = ?", arguments: [id]) ?? 0
            try AssetCollection.deleteOne(db, key: id)
            try Self.logActivity(db, StaffEditActivity.collectionDeleted(collection, items: members, by: actor, now: Date()))
        }
    }

    public func addItems(collectionId: Int64, assetIds: [Int64], note: String?, by actor: Actor) throws(DomainError) -> [CollectionItem] {
        let addedBy = actor.name
        return try write { db in
            let known = Set(try SQLRequest<Int64>(literal: "SELECT id FROM asset WHERE id IN \(assetIds)").fetchAll(db))
            if let missing = assetIds.first(where: { !known.contains($0) }) {
                throw DomainError.notFound("no asset with id \(missing)")
            }
            var next = (try Int.fetchOne(db, sql: "SELECT MAX(sortOrder) FROM collection_item WHERE collectionId = ?",
                                         arguments: [collectionId]) ?? -1) + 1
            var result: [CollectionItem] = []
            for assetId in assetIds {
                if var existing = try CollectionItem.filter(CollectionItem.Columns.collectionId == collectionId
                    && CollectionItem.Columns.assetId == assetId).fetchOne(db) {
                    if let note { existing.note = note; try existing.update(db) }
                    result.append(existing)
                    continue
                }
                var item = CollectionItem(collectionId: collectionId, assetId: assetId, sortOrder: next, note: note, addedBy: addedBy)
                try item.insert(db)
                next += 1
                result.append(item)
            }
            try db.execute(sql: "UPDATE collection SET updatedAt = ? WHERE id = ?", arguments: [Date(), collectionId])
            let slug = try String.fetchOne(db, sql: "SELECT slug FROM collection WHERE id = ?", arguments: [collectionId]) ?? String(collectionId)
            try Self.logActivity(db, StaffEditActivity.itemsAdded(collectionId: collectionId, slug: slug, assetIds: assetIds, note: note,
                                                                  by: actor, now: Date()))
            return result
        }
    }

    public func removeItems(collectionId: Int64, assetIds: [Int64], by actor: Actor) throws(DomainError) -> Int {
        try write { db in
            let removed = try CollectionItem.filter(CollectionItem.Columns.collectionId == collectionId
                && assetIds.contains(CollectionItem.Columns.assetId)).deleteAll(db)
            guard removed > 0 else { return 0 }
            let slug = try String.fetchOne(db, sql: "SELECT slug FROM collection WHERE id = ?", arguments: [collectionId]) ?? String(collectionId)
            try Self.logActivity(db, StaffEditActivity.itemsRemoved(collectionId: collectionId, slug: slug, assetIds: assetIds,
                                                                    removed: removed, by: actor, now: Date()))
            return removed
        }
    }

    public func items(collectionId: Int64) throws(DomainError) -> [CollectionItem] {
        try read { db in
            try CollectionItem.filter(CollectionItem.Columns.collectionId == collectionId)
                .order(CollectionItem.Columns.sortOrder, Column("id")).fetchAll(db)
        }
    }

    public func assetIds(in collection: AssetCollection) throws(DomainError) -> [Int64] {
        guard collection.collectionType == .smart else {
            return try items(collectionId: collection.id!).map(\.assetId)
        }
        guard let rulesJSON = collection.smartRules else {
            // Membership defined in the search language (`collection create --smart QUERY`).
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
        let condition = try SmartRulesSQL.condition(for: rules)
        return try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT asset.id FROM asset
                WHERE asset.organizationId = ? AND \(condition.sql)
                ORDER BY asset.createdAt DESC, asset.id DESC
                """, arguments: [collection.organizationId] + condition.statementArguments)
        }
    }

    public func memberCounts(of collections: [AssetCollection]) throws(DomainError) -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        let manual = collections.filter { $0.collectionType != .smart }.compactMap(\.id)
        let rows = try read { db in
            try SQLRequest<Row>(literal: "SELECT collectionId, COUNT(*) AS n FROM collection_item WHERE collectionId IN \(manual) GROUP BY collectionId").fetchAll(db)
        }
        for row in rows { counts[row["collectionId"] as Int64] = row["n"] as Int }
        for smart in collections where smart.collectionType == .smart {
            counts[smart.id!] = try assetIds(in: smart).count
        }
        return counts
    }
}

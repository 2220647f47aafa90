import Foundation

// What client review added to the shared repository protocols, on PostgreSQL. Comments keep who
// wrote them through which link, link settings round-trip. Decisions and selections are in
// `PostgresCatalog+ShareReviews`, the activity reader in `PostgresCatalog+Activity`; approvals in
// bulk and webhooks live in the SQLite catalog only for now (`DataHome.requireSQLiteCatalog`
// refuses them here with one line).

extension PostgresCatalog {
    public func createAPIKey(_ key: APIKey, by actor: Actor) throws(DomainError) -> APIKey {
        try createAPIKey(key)
    }

    public func revokeAPIKey(prefix: String, at now: Date, by actor: Actor) throws(DomainError) -> Bool {
        try revokeAPIKey(prefix: prefix, at: now)
    }

    public func updateAsset(id: Int64, applying patch: AssetPatch, as actor: Actor) throws(DomainError) -> Asset {
        try updateAsset(id: id, applying: patch, by: actor.name)
    }

    public func createCollection(_ collection: AssetCollection, by actor: Actor) throws(DomainError) -> AssetCollection {
        try createCollection(collection)
    }

    public func deleteCollection(id: Int64, by actor: Actor) throws(DomainError) {
        try deleteCollection(id: id)
    }

    public func addItems(collectionId: Int64, assetIds: [Int64], note: String?, by actor: Actor) throws(DomainError) -> [CollectionItem] {
        try addItems(collectionId: collectionId, assetIds: assetIds, note: note, addedBy: actor.name)
    }

    public func removeItems(collectionId: Int64, assetIds: [Int64], by actor: Actor) throws(DomainError) -> Int {
        try removeItems(collectionId: collectionId, assetIds: assetIds)
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
        if let linkCap, let linkId = comment.shareLinkId {
            let held = try read { tx throws(DomainError) in
                try tx.scalar(Int64.self, "SELECT count(*) FROM comment WHERE share_link_id = ?", [linkId]) ?? 0
            }
            guard held < Int64(linkCap) else { throw .conflict("share link \(linkId) holds \(linkCap) comments") }
        }
        return try addComment(comment)
    }

    public func resolveComment(id: Int64, by actor: Actor, at now: Date) throws(DomainError) -> Comment {
        try resolveComment(id: id, by: actor.name, at: now)
    }

    public func updateLibrarySettings(id: Int64, settings: LibrarySettings, by actor: Actor, now: Date) throws(DomainError) -> Library {
        try write { tx throws(DomainError) in
            guard var library = try tx.record(Library.self, from: "library", id: id) else { throw DomainError.notFound("no library with id \(id)") }
            library.settings = settings
            library.updatedAt = now
            try tx.update(library, in: "library", id: id)
            try tx.logActivity(Activity(organizationId: library.organizationId, actor: actor, action: "library.updated", entityType: "library",
                                        entityId: String(id), entityTitle: library.slug, description: "Changed the rules of \(library.slug)",
                                        now: now))
            return library
        }
    }

    public func librariesRequiringApproval(organizationId: String) throws(DomainError) -> Set<Int64> {
        try read { tx throws(DomainError) in
            Set(try tx.column(Int64.self, "SELECT id FROM library WHERE organization_id = ? AND (settings->>'requireApproval')::boolean",
                              [organizationId]))
        }
    }

    public func assetCount() throws(DomainError) -> Int {
        Int(try read { tx throws(DomainError) in try tx.scalar(Int64.self, "SELECT count(*) FROM asset") } ?? 0)
    }

    public func audioAssetIdsWithStaleRendition(libraryId: Int64, renditionType: RenditionType, recipeHash: String) throws(DomainError) -> [Int64] {
        try read { tx throws(DomainError) in
            try tx.column(Int64.self, """
                SELECT a.id FROM asset a
                JOIN asset_version v ON v.asset_id = a.id AND v.is_current
                WHERE a.library_id = ? AND a.asset_type LIKE 'AUDIO%'
                  AND NOT EXISTS (SELECT 1 FROM rendition r WHERE r.asset_id = a.id AND r.rendition_type = ?
                                  AND r.recipe_hash = ? AND r.version_id = v.id)
                ORDER BY a.id
                """, [libraryId, renditionType.rawValue, recipeHash])
        }
    }

    public func videoAssetIdsWithStalePreviewVideo(libraryId: Int64, recipeHash: String) throws(DomainError) -> [Int64] {
        try read { tx throws(DomainError) in
            try tx.column(Int64.self, """
                SELECT a.id FROM asset a
                JOIN asset_version v ON v.asset_id = a.id AND v.is_current
                WHERE a.library_id = ? AND a.asset_type LIKE 'VIDEO%'
                  AND NOT EXISTS (SELECT 1 FROM rendition r WHERE r.asset_id = a.id AND r.rendition_type = 'PREVIEW_VIDEO'
                                  AND r.recipe_hash = ? AND r.version_id = v.id)
                ORDER BY a.id
                """, [libraryId, recipeHash])
        }
    }
}

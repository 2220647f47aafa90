import Foundation

// What client review added to the shared repository protocols, on PostgreSQL: library rules and
// the listings the pipeline's backfills use. Staff edits log their activity where they are
// written (`PostgresCatalog+Collections`, `+Assets`, `+Libraries`); decisions and selections are
// in `PostgresCatalog+ShareReviews`, the activity reader in `PostgresCatalog+Activity`, bulk
// approval in `PostgresCatalog+Approval`, webhooks in `PostgresCatalog+Webhooks`.

extension PostgresCatalog {
    public func updateLibrarySettings(id: Int64, settings: LibrarySettings, by actor: Actor, now: Date) throws(DomainError) -> Library {
        try write { tx throws(DomainError) in
            guard var library = try tx.record(Library.self, from: "library", id: id, forUpdate: true) else {
                throw DomainError.notFound("no library with id \(id)")
            }
            let before = library.settings
            library.settings = settings
            library.updatedAt = now
            try tx.update(library, in: "library", id: id)
            try tx.logActivity(library.settingsChangedActivity(from: before, by: actor, now: now))
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

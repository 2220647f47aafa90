import Foundation

extension PostgresCatalog: AssetRepository {
    public func asset(id: Int64) throws(DomainError) -> Asset? {
        try read { tx throws(DomainError) in try tx.record(Asset.self, from: "asset", id: id) }
    }

    public func assets(libraryId: Int64?, limit: Int, offset: Int) throws(DomainError) -> [Asset] {
        try read { tx throws(DomainError) in
            try tx.records(Asset.self, """
                SELECT row_to_json(t)::text FROM asset t WHERE (?::bigint IS NULL OR t.library_id = ?)
                ORDER BY t.id LIMIT ? OFFSET ?
                """, [libraryId, libraryId, limit, offset])
        }
    }

    public func assetIDs(libraryId: Int64?) throws(DomainError) -> [Int64] {
        try read { tx throws(DomainError) in
            try tx.column(Int64.self, "SELECT id FROM asset WHERE (?::bigint IS NULL OR library_id = ?) ORDER BY id", [libraryId, libraryId])
        }
    }

    public func versions(assetId: Int64) throws(DomainError) -> [AssetVersion] {
        try read { tx throws(DomainError) in
            try tx.records(AssetVersion.self, from: "asset_version", where: "t.asset_id = ?", [assetId], orderBy: "t.version_number")
        }
    }

    public func renditions(assetId: Int64) throws(DomainError) -> [Rendition] {
        let rows = try read { tx throws(DomainError) in try tx.records(Rendition.self, from: "rendition", where: "t.asset_id = ?", [assetId]) }
        let order = Dictionary(uniqueKeysWithValues: RenditionType.allCases.enumerated().map { ($1, $0) })
        return rows.sorted { order[$0.renditionType]! < order[$1.renditionType]! }
    }

    public func tagNames(assetId: Int64) throws(DomainError) -> [String] {
        try tagNames(assetIds: [assetId])[assetId] ?? []
    }

    public func folderPath(id: Int64) throws(DomainError) -> String? {
        try read { tx throws(DomainError) in try tx.scalar(String.self, "SELECT path FROM folder WHERE id = ?", [id]) }
    }

    /// Attaches tags by name (case-insensitive match, display case of the first use kept).
    static func attachTags(_ tx: PostgresTransaction, assetId: Int64, organizationId: String, names: [String]) throws(DomainError) {
        for name in names {
            let tag = Tag(organizationId: organizationId, name: name)
            guard !tag.normalized.isEmpty else { continue }
            _ = try ensureTag(tx, name: name, organizationId: organizationId)
            try tx.execute("""
                INSERT INTO asset_tag (asset_id, tag_id) SELECT ?, id FROM tag WHERE organization_id = ? AND normalized = ?
                ON CONFLICT DO NOTHING
                """, [assetId, organizationId, tag.normalized])
        }
    }

    /// The id of the tag with `name`'s normalized form, creating it with this display name.
    static func ensureTag(_ tx: PostgresTransaction, name: String, organizationId: String) throws(DomainError) -> Int64 {
        let tag = Tag(organizationId: organizationId, name: name)
        if let id = try tx.scalar(Int64.self, "SELECT id FROM tag WHERE organization_id = ? AND normalized = ?", [organizationId, tag.normalized]) {
            return id
        }
        // Another host may create it between the two statements: the unique key settles it.
        try tx.execute("INSERT INTO tag (organization_id, name, normalized) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       [organizationId, tag.name, tag.normalized])
        guard let id = try tx.scalar(Int64.self, "SELECT id FROM tag WHERE organization_id = ? AND normalized = ?", [organizationId, tag.normalized]) else {
            throw .storage("PostgreSQL: tag \(tag.normalized) vanished while it was created")
        }
        return id
    }
}

extension PostgresCatalog: AssetCatalogRepository {
    public func assets(ids: [Int64]) throws(DomainError) -> [Asset] {
        guard !ids.isEmpty else { return [] }
        let found = try read { tx throws(DomainError) in
            try tx.records(Asset.self, "SELECT row_to_json(t)::text FROM asset t WHERE t.id = ANY(?::bigint[])", [Self.array(ids)])
        }
        let byId = Dictionary(found.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byId[$0] }
    }

    public func assets(matching filter: AssetFilter) throws(DomainError) -> [Asset] {
        var conditions: [String] = []
        var values: [any SQLValueConvertible] = []
        if let libraryId = filter.libraryId { conditions.append("t.library_id = ?"); values.append(libraryId) }
        if let folderId = filter.folderId { conditions.append("t.folder_id = ?"); values.append(folderId) }
        if let status = filter.status { conditions.append("t.status = ?"); values.append(status.rawValue) }
        if let type = filter.assetType { conditions.append("t.asset_type = ?"); values.append(type.rawValue) }
        if let tag = filter.tag {
            conditions.append("""
                EXISTS (SELECT 1 FROM asset_tag JOIN tag ON tag.id = asset_tag.tag_id
                        WHERE asset_tag.asset_id = t.id AND tag.normalized = ?)
                """)
            values.append(Tag.normalize(tag))
        }
        if let text = filter.text?.lowercased(), !text.isEmpty {
            conditions.append("""
                (strpos(lower(t.name), ?) > 0 OR strpos(lower(coalesce(t.description, '')), ?) > 0
                 OR EXISTS (SELECT 1 FROM asset_version v WHERE v.asset_id = t.id AND v.is_current
                            AND strpos(lower(v.original_filename), ?) > 0))
                """)
            values += [text, text, text]
        }
        let limit = max(1, min(filter.limit, 1000)), offset = max(0, filter.offset)
        values += [limit, offset]
        return try read { tx throws(DomainError) in
            try tx.records(Asset.self, """
                SELECT row_to_json(t)::text FROM asset t WHERE \(conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND "))
                ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?
                """, values)
        }
    }

    public func currentVersion(assetId: Int64) throws(DomainError) -> AssetVersion? {
        try read { tx throws(DomainError) in
            try tx.record(AssetVersion.self, from: "asset_version", where: "t.asset_id = ? AND t.is_current", [assetId])
        }
    }

    public func tagNames(assetIds: [Int64]) throws(DomainError) -> [Int64: [String]] {
        guard !assetIds.isEmpty else { return [:] }
        return try read { tx throws(DomainError) in try Self.tagNames(tx, assetIds: assetIds) }
    }

    /// Tag display names per asset, sorted case-insensitively.
    static func tagNames(_ tx: PostgresTransaction, assetIds: [Int64]) throws(DomainError) -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        guard !assetIds.isEmpty else { return result }
        for row in try tx.run("""
            SELECT asset_tag.asset_id, tag.name FROM asset_tag JOIN tag ON tag.id = asset_tag.tag_id
            WHERE asset_tag.asset_id = ANY(?::bigint[]) ORDER BY tag.normalized
            """, [array(assetIds)]).rows {
            if let (id, name) = try? row.decode((Int64, String).self) { result[id, default: []].append(name) }
        }
        return result
    }

    public func updateAsset(id: Int64, applying patch: AssetPatch, as actor: Actor) throws(DomainError) -> Asset {
        try write { tx throws(DomainError) in
            guard var asset = try tx.record(Asset.self, from: "asset", id: id, forUpdate: true) else { throw DomainError.notFound("no asset with id \(id)") }
            let previousStatus = asset.status
            let now = Date()
            if let name = patch.name { asset.name = name }
            if let description = patch.description { asset.description = description }
            if let metadata = patch.metadata { asset.metadata = asset.metadata.merging(metadata) }
            if let status = patch.status {
                // Approval records who and when; a rejection withdraws it.
                if status == .approved, asset.status != .approved || asset.approvedAt == nil {
                    asset.approvedBy = actor.name
                    asset.approvedAt = now
                } else if status == .rejected {
                    asset.approvedBy = nil
                    asset.approvedAt = nil
                }
                asset.status = status
            }
            if let license = patch.license { asset.license = license }
            if let details = patch.licenseDetails { asset.licenseDetails = details }
            if let expiresAt = patch.expiresAt { asset.expiresAt = expiresAt }
            if let holder = patch.copyrightHolder { asset.copyrightHolder = holder }
            if let year = patch.copyrightYear { asset.copyrightYear = year }
            if let rights = patch.usageRights { asset.usageRights = rights }
            if let creator = patch.creator { asset.creator = creator }
            asset.lastEditedBy = actor.name
            asset.updatedAt = now
            try tx.update(asset, in: "asset", id: id)
            if let replacement = patch.tags {
                try tx.execute("DELETE FROM asset_tag WHERE asset_id = ?", [id])
                try Self.attachTags(tx, assetId: id, organizationId: asset.organizationId, names: replacement.filter { !Tag.clean($0).isEmpty })
            }
            if let added = patch.addTags {
                try Self.attachTags(tx, assetId: id, organizationId: asset.organizationId, names: added.filter { !Tag.clean($0).isEmpty })
            }
            if let removed = patch.removeTags?.map(Tag.normalize), !removed.isEmpty {
                try tx.execute("""
                    DELETE FROM asset_tag WHERE asset_id = ?
                    AND tag_id IN (SELECT id FROM tag WHERE organization_id = ? AND normalized = ANY(?::text[]))
                    """, [id, asset.organizationId, Self.array(removed)])
            }
            for entry in patch.activities(on: asset, previousStatus: previousStatus, by: actor, now: now) { try tx.logActivity(entry) }
            return asset
        }
    }

    public func recordAssetDownload(assetId: Int64, at now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in
            try tx.execute("UPDATE asset SET download_count = download_count + 1, last_downloaded_at = ? WHERE id = ?", [now, assetId])
        }
    }

    /// A list bound as one PostgreSQL array literal (`{1,2,3}`), for `= ANY(?::bigint[])`:
    /// one parameter whatever the length.
    static func array(_ ids: [Int64]) -> String {
        "{" + ids.map(String.init).joined(separator: ",") + "}"
    }

    /// Texts as an array literal, each element quoted and escaped.
    static func array(_ texts: [String]) -> String {
        "{" + texts.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}

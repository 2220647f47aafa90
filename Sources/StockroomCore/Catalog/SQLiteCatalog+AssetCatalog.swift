import Foundation
import GRDB

extension SQLiteCatalog: AssetCatalogRepository {
    // `asset(id:)` and `renditions(assetId:)` are shared with `AssetRepository` (SQLiteCatalog+Assets.swift).

    public func assets(ids: [Int64]) throws(DomainError) -> [Asset] {
        guard !ids.isEmpty else { return [] }
        let found = try read { db in try Asset.filter(keys: ids).fetchAll(db) }
        let byId = Dictionary(found.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byId[$0] }
    }

    public func assets(matching filter: AssetFilter) throws(DomainError) -> [Asset] {
        var conditions: [SQL] = []
        if let libraryId = filter.libraryId { conditions.append("asset.libraryId = \(libraryId)") }
        if let folderId = filter.folderId { conditions.append("asset.folderId = \(folderId)") }
        if let status = filter.status { conditions.append("asset.status = \(status)") }
        if let type = filter.assetType { conditions.append("asset.assetType = \(type)") }
        if let tag = filter.tag {
            conditions.append("""
                EXISTS (SELECT 1 FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                        WHERE asset_tag.assetId = asset.id AND tag.normalized = \(Tag.normalize(tag)))
                """)
        }
        if let text = filter.text?.lowercased(), !text.isEmpty {
            conditions.append("""
                (instr(lower(asset.name), \(text)) > 0 OR instr(lower(coalesce(asset.description, '')), \(text)) > 0
                 OR EXISTS (SELECT 1 FROM asset_version v WHERE v.assetId = asset.id AND v.isCurrent
                            AND instr(lower(v.originalFilename), \(text)) > 0))
                """)
        }
        let whereClause: SQL = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        let limit = max(1, min(filter.limit, 1000)), offset = max(0, filter.offset)
        return try read { db in
            try SQLRequest<Asset>(literal: """
                SELECT asset.* FROM asset WHERE \(whereClause)
                ORDER BY asset.createdAt DESC, asset.id DESC LIMIT \(limit) OFFSET \(offset)
                """).fetchAll(db)
        }
    }

    public func currentVersion(assetId: Int64) throws(DomainError) -> AssetVersion? {
        try read { db in
            try AssetVersion.filter(AssetVersion.Columns.assetId == assetId && AssetVersion.Columns.isCurrent == true).fetchOne(db)
        }
    }

    public func tagNames(assetIds: [Int64]) throws(DomainError) -> [Int64: [String]] {
        guard !assetIds.isEmpty else { return [:] }
        let rows = try read { db in
            try SQLRequest<Row>(literal: """
                SELECT asset_tag.assetId, tag.name FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                WHERE asset_tag.assetId IN \(assetIds) ORDER BY tag.normalized
                """).fetchAll(db)
        }
        var result: [Int64: [String]] = [:]
        for row in rows { result[row["assetId"] as Int64, default: []].append(row["name"] as String) }
        return result
    }

    public func updateAsset(id: Int64, applying patch: AssetPatch, as actor: Actor) throws(DomainError) -> Asset {
        try write { db in
            guard var asset = try Asset.fetchOne(db, key: id) else { throw DomainError.notFound("no asset with id \(id)") }
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
            try asset.update(db)
            if let replacement = patch.tags {
                try db.execute(sql: "DELETE FROM asset_tag WHERE assetId = ?", arguments: [id])
                try Self.attachTags(db, replacement, to: asset)
            }
            if let added = patch.addTags { try Self.attachTags(db, added, to: asset) }
            if let removed = patch.removeTags?.map(Tag.normalize), !removed.isEmpty {
                try db.execute(literal: """
                    DELETE FROM asset_tag WHERE assetId = \(id)
                    AND tagId IN (SELECT id FROM tag WHERE organizationId = \(asset.organizationId) AND normalized IN \(removed))
                    """)
            }
            for entry in patch.activities(on: asset, previousStatus: previousStatus, by: actor, now: now) { try Self.logActivity(db, entry) }
            return asset
        }
    }

    private static func attachTags(_ db: Database, _ names: [String], to asset: Asset) throws {
        for name in names where !Tag.clean(name).isEmpty {
            let normalized = Tag.normalize(name)
            var tag = try Tag.filter(Tag.Columns.organizationId == asset.organizationId && Tag.Columns.normalized == normalized).fetchOne(db)
            if tag == nil {
                var created = Tag(organizationId: asset.organizationId, name: name)
                try created.insert(db)
                tag = created
            }
            try AssetTagRow(assetId: asset.id!, tagId: tag!.id!).insert(db, onConflict: .ignore)
        }
    }

    public func recordAssetDownload(assetId: Int64, at now: Date) throws(DomainError) {
        try write { db in
            try db.execute(sql: "UPDATE asset SET downloadCount = downloadCount + 1, lastDownloadedAt = ? WHERE id = ?",
                           arguments: [now, assetId])
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: AssetRepository {
    public func asset(id: Int64) throws(DomainError) -> Asset? {
        try read { db in try Asset.fetchOne(db, key: id) }
    }

    public func assets(libraryId: Int64?, limit: Int, offset: Int) throws(DomainError) -> [Asset] {
        try read { db in
            var request = Asset.all()
            if let libraryId { request = request.filter(Asset.Columns.libraryId == libraryId) }
            return try request.order(Asset.Columns.id).limit(limit, offset: offset).fetchAll(db)
        }
    }

    public func assetIDs(libraryId: Int64?) throws(DomainError) -> [Int64] {
        try read { db in
            if let libraryId {
                return try Int64.fetchAll(db, sql: "SELECT id FROM asset WHERE libraryId = ? ORDER BY id", arguments: [libraryId])
            }
            return try Int64.fetchAll(db, sql: "SELECT id FROM asset ORDER BY id")
        }
    }

    public func versions(assetId: Int64) throws(DomainError) -> [AssetVersion] {
        try read { db in
            try AssetVersion.filter(AssetVersion.Columns.assetId == assetId).order(AssetVersion.Columns.versionNumber).fetchAll(db)
        }
    }

    public func renditions(assetId: Int64) throws(DomainError) -> [Rendition] {
        try read { db in
            let rows = try Rendition.filter(Rendition.Columns.assetId == assetId).fetchAll(db)
            let order = Dictionary(uniqueKeysWithValues: RenditionType.allCases.enumerated().map { ($1, $0) })
            return rows.sorted { order[$0.renditionType]! < order[$1.renditionType]! }
        }
    }

    public func tagNames(assetId: Int64) throws(DomainError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT tag.name FROM tag JOIN asset_tag ON asset_tag.tagId = tag.id
                WHERE asset_tag.assetId = ? ORDER BY tag.normalized
                """, arguments: [assetId])
        }
    }

    /// How many assets the catalog holds (the server's status page).
    public func assetCount() throws(DomainError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM asset") ?? 0 }
    }

    public func folderPath(id: Int64) throws(DomainError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT path FROM folder WHERE id = ?", arguments: [id]) }
    }

    /// Attaches tags by name (case-insensitive match, display case of the first use kept).
    static func attachTags(_ db: Database, assetId: Int64, organizationId: String, names: [String]) throws {
        for name in names {
            let tag = Tag(organizationId: organizationId, name: name)
            guard !tag.normalized.isEmpty else { continue }
            try db.execute(sql: "INSERT INTO tag (organizationId, name, normalized) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [organizationId, tag.name, tag.normalized])
            try db.execute(sql: """
                INSERT OR IGNORE INTO asset_tag (assetId, tagId)
                SELECT ?, id FROM tag WHERE organizationId = ? AND normalized = ?
                """, arguments: [assetId, organizationId, tag.normalized])
        }
    }

    static func logActivity(_ db: Database, _ activity: Activity) throws {
        var activity = activity
        try activity.insert(db)
    }
}

import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport

/// A real catalog (SQLite, or PostgreSQL in a schema of its own) in a temporary directory, with
/// helpers to insert assets, tags, collections and share links directly.
struct QueryFixture {
    let dir = TemporaryDirectory("stockroom-query")
    let home: DataHome
    let backend: CatalogBackend
    private let schema: PostgresTestSchema?
    var catalog: any Catalog { home.catalog }
    /// The SQLite catalog, for tests that look at the file itself.
    var sqlite: SQLiteCatalog { home.sqliteCatalog! }
    /// The instant the tests treat as "now".
    static let now = ISO8601DateFormatter().date(from: "2026-06-15T12:00:00Z")!

    init(_ backend: CatalogBackend = .sqlite) throws {
        self.backend = backend
        (home, schema) = try backend.home(at: dir.url)
    }

    private var postgres: PostgresCatalog? { home.catalog as? PostgresCatalog }

    func library(_ slug: String, visibility: LibraryVisibility = .internal) throws -> Library {
        try catalog.createLibrary(Library(name: slug, slug: slug, visibility: visibility))
    }

    func folder(_ library: Library, _ path: String) throws -> Folder {
        try catalog.ensureFolder(libraryId: library.id!, path: try FolderPath(parsing: path), createdBy: "test")
    }

    /// Inserts an asset named `name`, configured by `edit`, with `tags`.
    @discardableResult
    func asset(_ name: String, in library: Library, folder: Folder? = nil, type: AssetType = .imagePhoto,
               tags: [String] = [], _ edit: (inout Asset) -> Void = { _ in }) throws -> Asset {
        var asset = Asset(libraryId: library.id!, folderId: folder?.id, name: name, slug: Slug.make(from: name),
                          assetType: type, status: .approved, now: Self.now)
        asset.copyrightHolder = "Stockroom Studio"
        asset.license = .owned
        edit(&asset)
        if let postgres {
            let draft = asset
            return try postgres.write { tx throws(DomainError) in
                let stored = try tx.insert(draft, into: "asset")
                try PostgresCatalog.attachTags(tx, assetId: stored.id!, organizationId: Organization.defaultId, names: tags)
                return stored
            }
        }
        return try sqlite.writer.write { db in
            try asset.insert(db)
            for tag in tags {
                let tagID = try SQLiteCatalog.ensureTag(db, name: tag, organizationId: Organization.defaultId)
                try db.execute(sql: "INSERT INTO asset_tag (assetId, tagId) VALUES (?, ?)", arguments: [asset.id, tagID])
            }
            return asset
        }
    }

    @discardableResult
    func collection(_ slug: String, items: [Asset], smartQuery: String? = nil) throws -> AssetCollection {
        let collection = try catalog.createCollection(AssetCollection(name: slug, slug: slug, collectionType: smartQuery == nil ? .manual : .smart,
                                                                      smartQuery: smartQuery, now: Self.now))
        if !items.isEmpty { _ = try catalog.addItems(collectionId: collection.id!, assetIds: items.map { $0.id! }, note: nil, addedBy: "test") }
        return collection
    }

    @discardableResult
    func shareLink(_ token: String, collection: AssetCollection? = nil, asset: Asset? = nil,
                   expiresAt: Date? = nil, revokedAt: Date? = nil) throws -> ShareLink {
        var link = ShareLink(token: token, collectionId: collection?.id, assetId: asset?.id, expiresAt: expiresAt, now: Self.now)
        link.revokedAt = revokedAt
        if let postgres {
            let draft = link
            return try postgres.write { tx throws(DomainError) in try tx.insert(draft, into: "share_link") }
        }
        return try sqlite.writer.write { db in
            try link.insert(db)
            return link
        }
    }

    /// Names of the assets matching `query` at `now`, sorted.
    func names(_ query: String, now: Date = QueryFixture.now) throws -> [String] {
        try catalog.searchAssets(try AssetQuery.parse(query), sort: AssetSort(field: .name), limit: nil, now: now).assets.map(\.name)
    }

    func tags(of asset: Asset) throws -> [String] {
        try catalog.tagNames(assetIds: [asset.id!])[asset.id!] ?? []
    }

    func asset(id: Int64) throws -> Asset? { try catalog.asset(id: id) }

    /// What the fixture's own setup logs like every change (`library(_:)`, `collection(_:items:)`),
    /// which no test here is about.
    static let setupActions: Set<String> = ["library.created", "collection.created", "collection.items.added"]

    /// The log entries the test's own changes wrote.
    func activities() throws -> [Activity] {
        if let postgres {
            return try postgres.read { tx throws(DomainError) in try tx.records(Activity.self, from: "activity", orderBy: "t.id") }
                .filter { !Self.setupActions.contains($0.action) }
        }
        return try sqlite.writer.read { db in
            try Activity.filter(!Self.setupActions.contains(Column("action"))).order(Column("id")).fetchAll(db)
        }
    }

    static func days(_ n: Double) -> TimeInterval { n * 86_400 }
}

import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport

/// A real catalog in a temporary directory with helpers to insert assets, tags, collections
/// and share links directly.
struct QueryFixture {
    let dir = TemporaryDirectory("stockroom-query")
    let home: DataHome
    var catalog: SQLiteCatalog { home.catalog }
    /// The instant the tests treat as "now".
    static let now = ISO8601DateFormatter().date(from: "2026-06-15T12:00:00Z")!

    init() throws {
        home = try DataHome.initialize(at: dir.url)
    }

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
        try catalog.writer.write { db in
            var asset = Asset(libraryId: library.id!, folderId: folder?.id, name: name, slug: Slug.make(from: name),
                              assetType: type, status: .approved, now: Self.now)
            asset.copyrightHolder = "Stockroom Studio"
            asset.license = .owned
            edit(&asset)
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
        try catalog.writer.write { db in
            var collection = AssetCollection(name: slug, slug: slug, collectionType: smartQuery == nil ? .manual : .smart,
                                             smartQuery: smartQuery, now: Self.now)
            try collection.insert(db)
            for (order, asset) in items.enumerated() {
                var item = CollectionItem(collectionId: collection.id!, assetId: asset.id!, sortOrder: order, now: Self.now)
                try item.insert(db)
            }
            return collection
        }
    }

    @discardableResult
    func shareLink(_ token: String, collection: AssetCollection? = nil, asset: Asset? = nil,
                   expiresAt: Date? = nil, revokedAt: Date? = nil) throws -> ShareLink {
        try catalog.writer.write { db in
            var link = ShareLink(token: token, collectionId: collection?.id, assetId: asset?.id, expiresAt: expiresAt, now: Self.now)
            link.revokedAt = revokedAt
            try link.insert(db)
            return link
        }
    }

    /// Names of the assets matching `query` at `now`, sorted.
    func names(_ query: String, now: Date = QueryFixture.now) throws -> [String] {
        try catalog.searchAssets(try AssetQuery.parse(query), sort: AssetSort(field: .name), limit: nil, now: now).assets.map(\.name)
    }

    func tags(of asset: Asset) throws -> [String] {
        try catalog.writer.read { db in try SQLiteCatalog.tagNames(db, assetIDs: [asset.id!])[asset.id!] ?? [] }
    }

    /// The log entries the test's own changes wrote: the fixture's `library(_:)` logs
    /// `library.created` like every creation, which no test here is about.
    func activities() throws -> [Activity] {
        try catalog.writer.read { db in
            try Activity.filter(Column("action") != "library.created").order(Column("id")).fetchAll(db)
        }
    }

    static func days(_ n: Double) -> TimeInterval { n * 86_400 }
}

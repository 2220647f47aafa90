import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport

/// A real data home (SQLite, or PostgreSQL in a schema of its own) with an image, a video
/// (12.5 s) and an audio file (30 s) in collection `picks`, one more image in `other`, and
/// helpers to open links on them.
struct ReviewFixture {
    let home: DataHome
    let library: Library
    let image: Asset
    let video: Asset
    let audio: Asset
    let outsider: Asset
    var catalog: any Catalog { home.catalog }

    init(in dir: TemporaryDirectory, requireApproval: Bool = false, backend: CatalogBackend = .sqlite) throws {
        home = try backend.initHome(at: dir.url.appendingPathComponent("home"))
        let libraries = LibraryService(libraries: home.catalog, folders: home.catalog)
        var library = try libraries.createLibrary(name: "Client Work", by: .system)
        if requireApproval {
            library = try libraries.updateSettings(slug: library.slug, LibrarySettingsChange(requireApproval: true), by: .system)
        }
        self.library = library
        let home = self.home
        image = try Self.add(home, library, "Harbour at dawn", .imagePhoto)
        video = try Self.add(home, library, "Teaser cut", .videoEdited, duration: 12.5)
        audio = try Self.add(home, library, "Voice over", .audioVoiceover, duration: 30)
        outsider = try Self.add(home, library, "Not shared", .imagePhoto)
        let collections = CollectionService(collections: home.catalog, assets: home.catalog)
        _ = try collections.createCollection(name: "Picks", by: .system)
        _ = try collections.addAssets([image.id!, video.id!, audio.id!], to: "picks", by: .system)
        _ = try collections.createCollection(name: "Other", by: .system)
        _ = try collections.addAssets([outsider.id!], to: "other", by: .system)
    }

    static func add(_ home: DataHome, _ library: Library, _ name: String, _ type: AssetType, duration: Double? = nil) throws -> Asset {
        var asset = Asset(libraryId: library.id!, folderId: nil, name: name, slug: Slug.make(from: name), assetType: type, status: .approved)
        asset.durationSeconds = duration
        asset.width = type.family == "audio" ? nil : 1600
        asset.height = type.family == "audio" ? nil : 900
        return try insert(asset, into: "asset", in: home)
    }

    /// Inserts `value` as a new row of `table` below the repositories, on either backend.
    static func insert<T: Codable & MutablePersistableRecord>(_ value: T, into table: String, in home: DataHome) throws -> T {
        if let postgres = home.catalog as? PostgresCatalog {
            return try postgres.write { tx throws(DomainError) in try tx.insert(value, into: table) }
        }
        return try home.sqliteCatalog!.database.writer.write { db in try value.inserted(db) }
    }

    /// Runs a statement below the repositories, written with `?` placeholders and column names
    /// the two backends share (snake_case on PostgreSQL is the caller's `postgresSQL`).
    func execute(sqlite: String, postgres postgresSQL: String, _ values: [any SQLValueConvertible & DatabaseValueConvertible]) throws {
        if let postgres = home.catalog as? PostgresCatalog {
            _ = try postgres.write { tx throws(DomainError) in try tx.execute(postgresSQL, values) }
            return
        }
        try home.sqliteCatalog!.database.writer.write { db in
            try db.execute(sql: sqlite, arguments: StatementArguments(values.map { $0 as DatabaseValueConvertible }))
        }
    }

    var shares: ShareService {
        ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, bcryptCost: 4, reviews: home.catalog)
    }

    func link(_ access: ShareAccessLevel, collection: String = "picks", includePending: Bool = false, recipient: String? = nil) throws -> ResolvedShare {
        let link = try shares.createShare(ShareRequest(target: .collection(slug: collection), recipientEmail: recipient, accessLevel: access,
                                                       includePending: includePending), by: .system)
        return try shares.resolve(token: link.token)
    }

    func reload(_ share: ResolvedShare) throws -> ResolvedShare { try shares.resolve(token: share.link.token) }

    /// Every activity entry, oldest first.
    func activity() throws -> [Activity] {
        if let postgres = home.catalog as? PostgresCatalog {
            return try postgres.read { tx throws(DomainError) in try tx.records(Activity.self, from: "activity", orderBy: "t.id") }
        }
        return try home.sqliteCatalog!.database.writer.read { db in try Activity.order(Column("id")).fetchAll(db) }
    }

    func activity(_ action: String) throws -> [Activity] {
        try activity().filter { $0.action == action }
    }
}

import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Catalog: migrations of the SQLite file; slugs, folders and constraints on both catalogs")
struct CatalogTests {
    let dir = TemporaryDirectory()

    func openHome() throws -> DataHome { try DataHome.initialize(at: dir.url) }

    @Test("migrations run on a fresh file, in WAL mode with foreign keys on")
    func freshFileMigrates() throws {
        let home = try openHome()
        #expect(try home.sqliteCatalog!.database.appliedMigrations() == ["v1-catalog", "v2-watch-state", "v2-query-indexes", "v3-share-edge", "v3-documents",
                                                                  "v3-version-media-failure-details", "v4-client-review", "v4-webhook-jobs", "v4-job-priority",
                                                                  "v5-audio-renditions"])
        let (journal, foreignKeys) = try home.sqliteCatalog!.database.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        let tables = try home.sqliteCatalog!.database.writer.read { db in
            // asset_text's FTS5 shadow tables (asset_text_data, _idx, _content, _docsize, _config) left out.
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                AND name NOT LIKE 'asset_text_%' ORDER BY name
                """)
        }
        #expect(tables == ["activity", "api_key", "asset", "asset_font", "asset_tag", "asset_text", "asset_version", "asset_version_media", "catalog_change", "collection", "collection_item",
                           "comment", "ingest_failure", "job", "library", "rendition", "share_access", "share_link", "share_review", "tag", "folder",
                           "watch_file", "webhook_cursor"].sorted())
        // Re-opening an up-to-date file is a no-op.
        let again = try DataHome.open(at: dir.url)
        #expect(try again.sqliteCatalog!.database.appliedMigrations() == home.sqliteCatalog!.database.appliedMigrations())
    }

    @Test("v5-audio-renditions rebuilds the rendition table: rows kept, WAVEFORM and PREVIEW_AUDIO accepted, changes still counted")
    func audioRenditionsMigrationKeepsRows() throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        CatalogMigrations.register(in: &migrator)
        try migrator.migrate(queue, upTo: "v4-job-priority")
        let now = "2026-12-01 12:00:00.000"
        func insertRendition(_ db: Database, _ type: String) throws {
            try db.execute(sql: """
                INSERT INTO rendition (assetId, versionId, renditionType, recipeHash, blobHash, width, height, format, status, createdAt, updatedAt)
                VALUES (1, 1, ?, 'abc', 'blob', 150, 100, 'jpeg', 'COMPLETED', ?, ?)
                """, arguments: [type, now, now])
        }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO library (id, organizationId, name, slug, createdBy, createdAt, updatedAt) VALUES (1, 'org', 'L', 'l', 'me', ?, ?)",
                           arguments: [now, now])
            try db.execute(sql: """
                INSERT INTO asset (id, organizationId, libraryId, name, slug, assetType, createdBy, createdAt, updatedAt)
                VALUES (1, 'org', 1, 'a.wav', 'a-wav', 'AUDIO_MUSIC', 'me', ?, ?)
                """, arguments: [now, now])
            try db.execute(sql: """
                INSERT INTO asset_version (id, assetId, versionNumber, blobHash, byteSize, mimeType, originalFilename, changeType, createdBy, createdAt)
                VALUES (1, 1, 1, 'blob', 10, 'audio/wav', 'a.wav', 'INITIAL', 'me', ?)
                """, arguments: [now])
            try insertRendition(db, "THUMBNAIL_SMALL")
        }
        #expect(throws: DatabaseError.self) { try queue.write { db in try insertRendition(db, "WAVEFORM") } }
        try migrator.migrate(queue)
        try queue.write { db in
            let before = try Int64.fetchOne(db, sql: "SELECT version FROM catalog_change") ?? -1
            let kept = try #require(try Row.fetchOne(db, sql: "SELECT id, renditionType, width, format FROM rendition"))
            let id: Int64 = kept["id"], type: String = kept["renditionType"], width: Int = kept["width"], format: String = kept["format"]
            #expect(id == 1 && type == "THUMBNAIL_SMALL" && width == 150 && format == "jpeg")
            try insertRendition(db, "WAVEFORM")
            try insertRendition(db, "PREVIEW_AUDIO")
            #expect(throws: DatabaseError.self) { try insertRendition(db, "SPECTROGRAM") }
            #expect(try Int64.fetchOne(db, sql: "SELECT version FROM catalog_change") == before + 2, "the change counter's triggers came back")
            try db.execute(sql: "DELETE FROM asset")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rendition") == 0, "ON DELETE CASCADE came back")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rendition' AND name LIKE 'rendition_%'") == 2)
        }
    }

    @Test("library slugs are unique per organization", arguments: CatalogBackend.available)
    func uniqueLibrarySlug(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        defer { withExtendedLifetime(fixture) {} }
        let service = LibraryService(libraries: fixture.catalog, folders: fixture.catalog)
        let first = try service.createLibrary(name: "Brand Assets", by: .system)
        #expect(first.slug == "brand-assets")
        #expect(throws: DomainError.alreadyExists("a library with slug \"brand-assets\" already exists")) {
            try service.createLibrary(name: "Brand  Assets!", by: .system)
        }
        #expect(throws: DomainError.self) { try service.createLibrary(name: "x", slug: "Not A Slug", by: .system) }
        #expect(throws: DomainError.self) { try service.library(slug: "nope") }
    }

    @Test("folder create makes missing parents with paths and depths", arguments: CatalogBackend.available)
    func folderTree(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        defer { withExtendedLifetime(fixture) {} }
        let service = LibraryService(libraries: fixture.catalog, folders: fixture.catalog)
        _ = try service.createLibrary(name: "Brand Assets", by: .system)
        let leaf = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/Summer 2024/photos", by: .system)
        #expect(leaf.path == "/campaigns/summer-2024/photos")
        #expect(leaf.depth == 2)
        _ = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/winter", by: .system)
        let tree = try service.folderTree(librarySlug: "brand-assets")
        #expect(tree.map(\.path) == ["/campaigns"])
        #expect(tree[0].depth == 0)
        #expect(tree[0].children.map(\.path) == ["/campaigns/summer-2024", "/campaigns/winter"])
        #expect(tree[0].children[0].children.map(\.path) == ["/campaigns/summer-2024/photos"])
        #expect(tree[0].children[0].children[0].depth == 2)
        // Creating an existing path returns it unchanged.
        let again = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/summer-2024/photos", by: .system)
        #expect(again.id == leaf.id)
        #expect(throws: DomainError.self) { try service.createFolder(librarySlug: "brand-assets", path: "/a/../b", by: .system) }
    }

    @Test("the same path is unique per library but allowed in two libraries", arguments: CatalogBackend.available)
    func uniquePathPerLibrary(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let home = fixture.home
        let service = LibraryService(libraries: home.catalog, folders: home.catalog)
        let a = try service.createLibrary(name: "A", by: .system)
        let b = try service.createLibrary(name: "B", by: .system)
        _ = try service.createFolder(librarySlug: "a", path: "/x", by: .system)
        _ = try service.createFolder(librarySlug: "b", path: "/x", by: .system)
        #expect(throws: (any Error).self) {
            try fixture.insertRow(Folder(libraryId: a.id!, parentId: nil, name: "x", slug: "x", path: "/x", depth: 0), into: "folder")
        }
        #expect(try home.catalog.folders(libraryId: b.id!).count == 1)
    }

    @Test("moving a folder rewrites its whole subtree in one transaction", arguments: CatalogBackend.available)
    func moveSubtree(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        defer { withExtendedLifetime(fixture) {} }
        let home = fixture.home
        let service = LibraryService(libraries: home.catalog, folders: home.catalog)
        let library = try service.createLibrary(name: "Brand Assets", by: .system)
        _ = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/summer-2024/photos/raw", by: .system)
        _ = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/summer-2024/video", by: .system)
        _ = try service.createFolder(librarySlug: "brand-assets", path: "/campaigns/summer-2024-extra", by: .system)

        let moved = try service.moveFolder(librarySlug: "brand-assets", from: "/campaigns/summer-2024", to: "/archive/2024/summer", by: .system)
        #expect(moved.path == "/archive/2024/summer")
        #expect(moved.depth == 2)
        let paths = try home.catalog.folders(libraryId: library.id!).map { "\($0.path)@\($0.depth)" }
        #expect(paths == [
            "/archive@0", "/archive/2024@1", "/archive/2024/summer@2", "/archive/2024/summer/photos@3",
            "/archive/2024/summer/photos/raw@4", "/archive/2024/summer/video@3",
            "/campaigns@0", "/campaigns/summer-2024-extra@1",
        ])
        // Parent links follow the paths.
        let all = try home.catalog.folders(libraryId: library.id!)
        let byId = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0) })
        for folder in all where folder.parentId != nil {
            #expect(folder.path.hasPrefix(byId[folder.parentId!]!.path + "/"))
        }
        #expect(throws: DomainError.self) {
            try service.moveFolder(librarySlug: "brand-assets", from: "/archive", to: "/archive/2024/summer/inside", by: .system)
        }
        #expect(throws: DomainError.self) {
            try service.moveFolder(librarySlug: "brand-assets", from: "/campaigns", to: "/archive", by: .system)
        }
    }

    @Test("deleting a library cascades to folders, assets, versions and renditions", arguments: CatalogBackend.available)
    func cascadeDeletes(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let service = LibraryService(libraries: fixture.catalog, folders: fixture.catalog)
        let library = try service.createLibrary(name: "Temp", by: .system)
        let folder = try service.createFolder(librarySlug: "temp", path: "/a/b", by: .system)
        let asset = try fixture.insertRow(Asset(libraryId: library.id!, folderId: folder.id, name: "x.jpg", slug: "x-jpg", assetType: .imagePhoto),
                                          into: "asset")
        let version = try fixture.insertRow(AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: String(repeating: "a", count: 64),
                                                         byteSize: 1, mimeType: "image/jpeg", originalFilename: "x.jpg", changeType: .initial),
                                            into: "asset_version")
        try fixture.insertRow(Rendition(assetId: asset.id!, versionId: version.id!, renditionType: .thumbnailSmall, recipeHash: "r"), into: "rendition")
        let tag = try fixture.insertRow(Tag(name: "Summer"), into: "tag")
        try fixture.insertJoinRow(AssetTagRow(assetId: asset.id!, tagId: tag.id!), into: "asset_tag")
        #expect(try ["folder", "asset", "asset_version", "rendition", "asset_tag"].map { try fixture.count($0) } == [2, 1, 1, 1, 1])
        try fixture.deleteRow(from: "library", id: library.id!)
        #expect(try ["folder", "asset", "asset_version", "rendition", "asset_tag"].map { try fixture.count($0) } == [0, 0, 0, 0, 0])
        #expect(try fixture.count("tag") == 1)
    }

    /// On PostgreSQL `asset_tag`'s references are statement-level triggers (catalog-v4), not
    /// foreign keys: they must still refuse a missing asset or tag and follow a deleted tag.
    @Test("a tag assignment needs its asset and its tag; deleting a tag or an asset removes its assignments", arguments: CatalogBackend.available)
    func tagReferences(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try LibraryService(libraries: fixture.catalog, folders: fixture.catalog).createLibrary(name: "Refs", by: .system)
        let asset = try fixture.insertRow(Asset(libraryId: library.id!, folderId: nil, name: "x.jpg", slug: "x-jpg", assetType: .imagePhoto),
                                          into: "asset")
        let other = try fixture.insertRow(Asset(libraryId: library.id!, folderId: nil, name: "y.jpg", slug: "y-jpg", assetType: .imagePhoto),
                                          into: "asset")
        let summer = try fixture.insertRow(Tag(name: "Summer"), into: "tag")
        let winter = try fixture.insertRow(Tag(name: "Winter"), into: "tag")
        #expect(throws: (any Error).self) { try fixture.insertJoinRow(AssetTagRow(assetId: other.id! + 1000, tagId: summer.id!), into: "asset_tag") }
        #expect(throws: (any Error).self) { try fixture.insertJoinRow(AssetTagRow(assetId: asset.id!, tagId: winter.id! + 1000), into: "asset_tag") }
        #expect(try fixture.count("asset_tag") == 0)
        for (assetId, tagId) in [(asset.id!, summer.id!), (asset.id!, winter.id!), (other.id!, winter.id!)] {
            try fixture.insertJoinRow(AssetTagRow(assetId: assetId, tagId: tagId), into: "asset_tag")
        }
        try fixture.deleteRow(from: "tag", id: summer.id!)
        #expect(try fixture.count("asset_tag") == 2)
        try fixture.deleteRow(from: "asset", id: asset.id!)
        #expect(try fixture.count("asset_tag") == 1)
        #expect(try fixture.count("tag") == 1)
    }

    @Test("on PostgreSQL a tag row links an asset and a tag of one organization", .enabled(if: ServerEnvironment.runPostgresTests))
    func tagRowsStayInTheirOrganization() throws {
        let fixture = try QueryFixture(.postgres)
        let library = try fixture.library("orgs")
        let asset = try fixture.asset("o.jpg", in: library, tags: ["mine"])
        let foreign = try fixture.insertRow(Tag(organizationId: "other", name: "theirs"), into: "tag")
        #expect(throws: (any Error).self) { try fixture.insertJoinRow(AssetTagRow(assetId: asset.id!, tagId: foreign.id!), into: "asset_tag") }
        let ours = try fixture.insertRow(Tag(name: "ours"), into: "tag")
        // Tags of two organizations in one statement are checked pair by pair.
        let postgres = try #require(fixture.catalog as? PostgresCatalog)
        #expect(throws: (any Error).self) {
            try postgres.write { tx throws(DomainError) in
                try tx.execute("INSERT INTO asset_tag (asset_id, tag_id) VALUES (?, ?), (?, ?)", [asset.id!, ours.id!, asset.id!, foreign.id!])
            }
        }
        #expect(try fixture.tags(of: asset) == ["mine"])
        #expect(try fixture.names("tag:mine") == ["o.jpg"])
        #expect(try fixture.catalog.searchAssets(try AssetQuery.parse("tag:mine"), limit: 10).total == 1)
    }

    @Test("a bulk tag racing another tagger of the same asset on PostgreSQL still ends with the tag once",
          .enabled(if: ServerEnvironment.runPostgresTests))
    func bulkTagRacesAnotherTagger() async throws {
        let fixture = try QueryFixture(.postgres)
        let postgres = try #require(fixture.catalog as? PostgresCatalog)
        let library = try fixture.library("race")
        let assets = try (0..<3).map { try fixture.asset("r\($0).jpg", in: library) }
        let tag = try fixture.insertRow(Tag(name: "Summer"), into: "tag")
        // Another transaction tags the middle asset and holds its row uncommitted: the bulk tag
        // decides before it commits (so it counts the asset as changing), then waits on it (the
        // change counter's row, then the tag row), meets the row as a duplicate once it is
        // committed — and is redone with ON CONFLICT.
        let inserted = AsyncStream<Void>.makeStream()
        let other = Task.detached { () throws -> Double? in
            try postgres.write { tx throws(DomainError) -> Double? in
                try tx.execute("INSERT INTO asset_tag (asset_id, tag_id) VALUES (?, ?)", [assets[1].id!, tag.id!])
                let backend = try tx.scalar(Int64.self, "SELECT pg_backend_pid()::bigint") ?? 0
                inserted.continuation.yield()
                // Commits once the bulk tag waits on this transaction (or after 60 s).
                let started = Date()
                while Date() < started.addingTimeInterval(60) {
                    let waiting = try postgres.pool.run(PostgresTransaction.query("""
                        SELECT count(*) FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))
                        """, [.int(backend)])).rows.first.flatMap { try? $0.decode(Int64.self) } ?? 0
                    if waiting > 0 { return Date().timeIntervalSince(started) }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return nil
            }
        }
        for await _ in inserted.stream { break }
        let report = try fixture.catalog.changeTags(.add, tags: ["summer"], on: .ids(assets.map { $0.id! }), dryRun: false, by: .system)
        let waitedFor = try await other.value
        #expect(waitedFor != nil, "the bulk tag never waited on the other transaction")
        #expect(report.changed == 3, "the other transaction committed after \(waitedFor.map { "\($0) s" } ?? "its timeout")")
        for asset in assets { #expect(try fixture.tags(of: asset) == ["Summer"]) }
        #expect(try fixture.count("asset_tag") == 3)
    }

    @Test("only one current version per asset", arguments: CatalogBackend.available)
    func singleCurrentVersion(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try LibraryService(libraries: fixture.catalog, folders: fixture.catalog).createLibrary(name: "L", by: .system)
        let asset = try fixture.insertRow(Asset(libraryId: library.id!, folderId: nil, name: "x", slug: "x", assetType: .other), into: "asset")
        func version(_ n: Int) -> AssetVersion {
            AssetVersion(assetId: asset.id!, versionNumber: n, blobHash: String(repeating: "b", count: 64),
                         byteSize: 1, mimeType: "a/b", originalFilename: "x", changeType: .update, isCurrent: true)
        }
        try fixture.insertRow(version(1), into: "asset_version")
        #expect(throws: (any Error).self) { try fixture.insertRow(version(2), into: "asset_version") }
        #expect(try fixture.count("asset_version") == 1)
    }

    @Test("the change counter moves on edits, bulk edits included, and not on download counts", arguments: CatalogBackend.available)
    func changeCounter(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try fixture.library("brand")
        let assets = try (0..<3).map { try fixture.asset("a\($0).jpg", in: library) }
        let counter = fixture.catalog.changes
        let start = try counter.refresh()
        try fixture.catalog.recordAssetDownload(assetId: assets[0].id!, at: Date())
        #expect(try counter.refresh() == start)
        let report = try TaggingService(tags: fixture.catalog).change(.add, tags: ["bulk"], on: .ids(assets.map { $0.id! }), by: .system)
        #expect(report.changed == 3)
        let afterBulk = try counter.refresh()
        #expect(afterBulk > start)
        var patch = AssetPatch()
        patch.description = "edited"
        _ = try fixture.catalog.updateAsset(id: assets[1].id!, applying: patch, by: "t")
        #expect(try counter.refresh() > afterBulk)
    }
}

import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Query language on a real catalog")
struct QueryCatalogTests {
    let fixture: QueryFixture
    let brand: Library
    let press: Library

    init(_ backend: CatalogBackend) throws {
        fixture = try QueryFixture(backend)
        brand = try fixture.library("brand-assets")
        press = try fixture.library("press", visibility: .public)
        let summer = try fixture.folder(brand, "/campaigns/summer")
        let summerPhotos = try fixture.folder(brand, "/campaigns/summer/photos")
        let winter = try fixture.folder(brand, "/campaigns/winter")
        let now = QueryFixture.now
        try fixture.asset("beach.jpg", in: brand, folder: summer, tags: ["Summer", "brand/logo"]) {
            $0.width = 6000; $0.height = 4000; $0.cameraMake = "Canon"; $0.cameraModel = "Canon EOS 5D"
            $0.capturedAt = ISO8601DateFormatter().date(from: "2024-07-01T10:00:00Z")
            $0.license = .royaltyFree; $0.expiresAt = now.addingTimeInterval(QueryFixture.days(10))
        }
        try fixture.asset("pool.jpg", in: brand, folder: summerPhotos, tags: ["summer"]) {
            $0.width = 2000; $0.license = nil; $0.copyrightHolder = nil
            $0.capturedAt = ISO8601DateFormatter().date(from: "2023-12-31T23:00:00Z")
        }
        try fixture.asset("snow.png", in: brand, folder: winter, type: .imageGraphic, tags: ["Winter", "branding"]) {
            $0.status = .pending; $0.expiresAt = now.addingTimeInterval(-QueryFixture.days(3)); $0.copyrightHolder = "  "
        }
        try fixture.asset("teaser.mp4", in: press, type: .videoEdited, tags: ["summer", "brand"]) {
            $0.durationSeconds = 95; $0.description = "Teaser for the 100% summer launch"; $0.license = .editorialOnly
        }
        try fixture.asset("jingle_1.wav", in: press, type: .audioMusic) {
            $0.durationSeconds = 30; $0.expiresAt = ISO8601DateFormatter().date(from: "2026-12-31T08:00:00Z")
        }
    }

    @Test("each field selects what it says", arguments: CatalogBackend.available)
    static func fields(_ backend: CatalogBackend) throws { try Self(backend).fieldsBody() }
    func fieldsBody() throws {
        #expect(try fixture.names("tag:summer") == ["beach.jpg", "pool.jpg", "teaser.mp4"])
        #expect(try fixture.names("tag:SUMMER type:image") == ["beach.jpg", "pool.jpg"])
        #expect(try fixture.names("type:video") == ["teaser.mp4"])
        #expect(try fixture.names("type:IMAGE_GRAPHIC") == ["snow.png"])
        #expect(try fixture.names("folder:/campaigns/summer") == ["beach.jpg"])
        #expect(try fixture.names("folder:/campaigns/**") == ["beach.jpg", "pool.jpg", "snow.png"])
        #expect(try fixture.names("folder:/campaigns/summer/**") == ["beach.jpg", "pool.jpg"])
        #expect(try fixture.names("folder:/") == ["jingle_1.wav", "teaser.mp4"])
        #expect(try fixture.names("library:press") == ["jingle_1.wav", "teaser.mp4"])
        #expect(try fixture.names("name:*.jpg") == ["beach.jpg", "pool.jpg"])
        #expect(try fixture.names("name:????.jpg") == ["pool.jpg"])
        #expect(try fixture.names("name:BEACH.JPG") == ["beach.jpg"])
        #expect(try fixture.names("status:pending") == ["snow.png"])
        #expect(try fixture.names("license:royalty_free") == ["beach.jpg"])
        #expect(try fixture.names("license:none") == ["pool.jpg"])
        #expect(try fixture.names("expires:expired") == ["snow.png"])
        #expect(try fixture.names("expires:<30d") == ["beach.jpg", "snow.png"])
        #expect(try fixture.names("expires:<30d -expires:expired") == ["beach.jpg"])
        #expect(try fixture.names("expires:<2026-12-31") == ["beach.jpg", "snow.png"])
        #expect(try fixture.names("expires:<=2026-12-31") == ["beach.jpg", "jingle_1.wav", "snow.png"])
        #expect(try fixture.names("expires:2026-12-31") == ["jingle_1.wav"])
        #expect(try fixture.names("expires:none") == ["pool.jpg", "teaser.mp4"])
        #expect(try fixture.names("captured:>=2024-01-01") == ["beach.jpg"])
        #expect(try fixture.names("captured:<=2023-12-31") == ["pool.jpg"])
        #expect(try fixture.names("camera:\"Canon EOS 5D\"") == ["beach.jpg"])
        #expect(try fixture.names("camera:canon") == ["beach.jpg"])
        #expect(try fixture.names("width:>=3000") == ["beach.jpg"])
        #expect(try fixture.names("width:<3000") == ["pool.jpg"])
        #expect(try fixture.names("duration:>60") == ["teaser.mp4"])
        #expect(try fixture.names("copyright:none") == ["pool.jpg", "snow.png"])
        #expect(try fixture.names("copyright:studio") == ["beach.jpg", "jingle_1.wav", "teaser.mp4"])
        #expect(try fixture.names("") == ["beach.jpg", "jingle_1.wav", "pool.jpg", "snow.png", "teaser.mp4"])
    }

    @Test("hierarchical tags: tag:brand finds brand and brand/logo, not branding", arguments: CatalogBackend.available)
    static func tagHierarchy(_ backend: CatalogBackend) throws { try Self(backend).tagHierarchyBody() }
    func tagHierarchyBody() throws {
        #expect(try fixture.names("tag:brand") == ["beach.jpg", "teaser.mp4"])
        #expect(try fixture.names("tag:brand/logo") == ["beach.jpg"])
        #expect(try fixture.names("tag:branding") == ["snow.png"])
    }

    @Test("free text matches name, description and tag names; % and _ are literal", arguments: CatalogBackend.available)
    static func freeText(_ backend: CatalogBackend) throws { try Self(backend).freeTextBody() }
    func freeTextBody() throws {
        #expect(try fixture.names("beach") == ["beach.jpg"])
        #expect(try fixture.names("launch") == ["teaser.mp4"])
        #expect(try fixture.names("wint") == ["snow.png"])
        #expect(try fixture.names("\"100% summer\"") == ["teaser.mp4"])
        #expect(try fixture.names("100%") == ["teaser.mp4"])
        #expect(try fixture.names("le_1") == ["jingle_1.wav"])
        #expect(try fixture.names("h_jpg") == [])
        #expect(try fixture.names("h%jpg") == [])
    }

    @Test("AND, OR, NOT and parentheses combine; NOT keeps assets whose field is empty", arguments: CatalogBackend.available)
    static func booleans(_ backend: CatalogBackend) throws { try Self(backend).booleansBody() }
    func booleansBody() throws {
        #expect(try fixture.names("tag:summer OR tag:winter") == ["beach.jpg", "pool.jpg", "snow.png", "teaser.mp4"])
        #expect(try fixture.names("tag:summer -type:image") == ["teaser.mp4"])
        #expect(try fixture.names("NOT tag:summer") == ["jingle_1.wav", "snow.png"])
        #expect(try fixture.names("type:image AND (tag:winter OR width:>=3000)") == ["beach.jpg", "snow.png"])
        #expect(try fixture.names("-width:>=3000") == ["jingle_1.wav", "pool.jpg", "snow.png", "teaser.mp4"])
        #expect(try fixture.names("-license:owned") == ["beach.jpg", "pool.jpg", "teaser.mp4"])
    }

    @Test("collections: manual items, and smart collections by their query, with a cycle refused")
    static func collections() throws { try Self(.sqlite).collectionsBody() }
    func collectionsBody() throws {
        let all = try fixture.catalog.searchAssets(.all, limit: nil, now: QueryFixture.now).assets
        let pool = try #require(all.first { $0.name == "pool.jpg" })
        let beach = try #require(all.first { $0.name == "beach.jpg" })
        try fixture.sqlite.writer.write { db in
            var picks = AssetCollection(name: "Picks", slug: "picks", now: QueryFixture.now)
            try picks.insert(db)
            for (order, id) in [pool.id, beach.id].enumerated() {
                var item = CollectionItem(collectionId: picks.id!, assetId: id, sortOrder: order)
                try item.insert(db)
            }
        }
        try fixture.collection("videos", items: [], smartQuery: "type:video OR collection:picks")
        try fixture.collection("loop-a", items: [], smartQuery: "collection:loop-b")
        try fixture.collection("loop-b", items: [], smartQuery: "collection:loop-a")
        #expect(try fixture.names("collection:picks") == ["beach.jpg", "pool.jpg"])
        #expect(try fixture.names("collection:videos") == ["beach.jpg", "pool.jpg", "teaser.mp4"])
        #expect(try fixture.names("collection:videos -tag:summer") == [])
        #expect(throws: DomainError.self) { try fixture.names("collection:loop-a") }
        #expect(throws: DomainError.notFound("no collection \"nope\" (in collection:nope)")) { try fixture.names("collection:nope") }
    }

    @Test("an injection attempt is only a value: no SQL runs, tables survive")
    static func injection() throws { try Self(.sqlite).injectionBody() }
    func injectionBody() throws {
        let attempts = [
            "tag:\"x') OR 1=1; DROP TABLE asset; --\"",
            "\"'; DELETE FROM asset; --\"",
            "name:\"*' OR '1'='1\"",
            "library:\"x' UNION SELECT id FROM asset --\"",
        ]
        for attempt in attempts {
            #expect(try fixture.names(attempt) == [], "\(attempt)")
        }
        #expect(try fixture.names("").count == 5)
        let condition = try fixture.sqlite.writer.read { db in
            try SQLiteCatalog.condition(db, try AssetQuery.parse(attempts[0]), now: QueryFixture.now, organizationId: "default")
        }
        #expect(!condition.sql.contains("DROP"))
        #expect(condition.sql.contains("?"))
    }

    @Test("assetIDs(matching:limit:) returns ascending ids, limited", arguments: CatalogBackend.available)
    static func assetIDs(_ backend: CatalogBackend) throws { try Self(backend).assetIDsBody() }
    func assetIDsBody() throws {
        let ids = try fixture.catalog.assetIDs(matching: try AssetQuery.parse("tag:summer"), limit: nil)
        #expect(ids.count == 3)
        #expect(ids == ids.sorted())
        #expect(try fixture.catalog.assetIDs(matching: try AssetQuery.parse("tag:summer"), limit: 2) == Array(ids.prefix(2)))
    }

    @Test("search pages carry the total, sort order and tags", arguments: CatalogBackend.available)
    static func searchPage(_ backend: CatalogBackend) throws { try Self(backend).searchPageBody() }
    func searchPageBody() throws {
        let page = try fixture.catalog.searchAssets(try AssetQuery.parse("type:image"), sort: AssetSort(parsing: "-width")!,
                                                    limit: 2, now: QueryFixture.now)
        #expect(page.total == 3)
        #expect(page.assets.map(\.name) == ["beach.jpg", "pool.jpg"])
        #expect(page.assets[0].tags == ["brand/logo", "Summer"])
        #expect(page.assets[0].library == "brand-assets")
        #expect(page.assets[0].folder == "/campaigns/summer")
        let json = String(decoding: try JSONEncoder.stockroom.encode(page), as: UTF8.self)
        #expect(json.contains("\"total\":3"))
        #expect(json.contains("\"assetType\":\"IMAGE_PHOTO\""))
    }

    @Test("tag and folder lookups use indexes")
    static func queryPlan() throws { try Self(.sqlite).queryPlanBody() }
    func queryPlanBody() throws {
        func plan(_ query: String) throws -> String {
            try fixture.sqlite.writer.read { db in
                let condition = try SQLiteCatalog.condition(db, try AssetQuery.parse(query), now: QueryFixture.now, organizationId: "default")
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT asset.id FROM asset WHERE \(condition.sql)",
                                        arguments: condition.statementArguments).map { $0["detail"] as String }.joined(separator: "\n")
            }
        }
        let tagPlan = try plan("tag:brand")
        #expect(tagPlan.contains("USING COVERING INDEX asset_tag_tag") || tagPlan.contains("USING INDEX asset_tag_tag"), "\(tagPlan)")
        #expect(tagPlan.contains("sqlite_autoindex_tag_1 (organizationId=? AND normalized=?)"), "\(tagPlan)")
        #expect(tagPlan.contains("sqlite_autoindex_tag_1 (organizationId=? AND normalized>? AND normalized<?)"), "\(tagPlan)")
        #expect(tagPlan.contains("SEARCH asset USING INTEGER PRIMARY KEY"), "\(tagPlan)")
        let folderPlan = try plan("folder:/campaigns/**")
        #expect(folderPlan.contains("folder_path (path=?)"), "\(folderPlan)")
        #expect(folderPlan.contains("folder_path (path>? AND path<?)"), "\(folderPlan)")
        #expect(folderPlan.contains("asset_folder"), "\(folderPlan)")
    }

    /// On PostgreSQL the plan depends on the table sizes and statistics, so the catalog gets
    /// 20 000 more assets spread over 100 tags and is vacuumed and analyzed first; then a tag search must be
    /// driven from the tag rows through `asset_tag_tag` to the asset's primary key, with no
    /// sequential scan of `asset` or `asset_tag` (the tag table itself is a few pages, which
    /// PostgreSQL rightly reads whole). Docs/performance.md shows the plan at a million assets.
    @Test("tag search is index-driven on PostgreSQL (EXPLAIN)", .enabled(if: ServerEnvironment.runPostgresTests))
    static func queryPlanPostgres() throws { try Self(.postgres).queryPlanPostgresBody() }
    func queryPlanPostgresBody() throws {
        let postgres = try #require(fixture.catalog as? PostgresCatalog)
        try postgres.write { tx throws(DomainError) in
            try tx.execute("""
                INSERT INTO asset (organization_id, library_id, name, slug, asset_type, status, source_type, created_by, created_at, updated_at)
                SELECT 'default', ?, 'bulk-' || g, 'bulk-' || g, 'IMAGE_PHOTO', 'APPROVED', 'UPLOAD', 'test', now(), now()
                FROM generate_series(1, 20000) g
                """, [brand.id!])
            try tx.execute("INSERT INTO tag (organization_id, name, normalized) SELECT 'default', 'topic-' || g, 'topic-' || g FROM generate_series(0, 99) g")
            try tx.execute("""
                INSERT INTO asset_tag (asset_id, tag_id) SELECT asset.id, tag.id FROM asset JOIN tag ON tag.normalized = 'topic-' || (asset.id % 100)
                WHERE asset.name LIKE 'bulk-%'
                """)
        }
        // As autovacuum would soon: statistics, and the visibility map an index-only scan needs.
        _ = try postgres.pool.run(PostgresTransaction.query("VACUUM (ANALYZE) asset, tag, asset_tag", []))
        let query = try AssetQuery.parse("tag:topic-7")
        let plan = try postgres.read { tx throws(DomainError) -> String in
            let condition = try PostgresCatalog.condition(tx, query, now: QueryFixture.now, organizationId: "default")
            return try tx.column(String.self, SQLFragment(sql: "EXPLAIN SELECT asset.id FROM asset WHERE \(condition.sql)",
                                                          values: condition.arguments)).joined(separator: "\n")
        }
        #expect(plan.contains("Index Only Scan using asset_tag_tag on asset_tag"), "\(plan)")
        #expect(plan.contains("Index Scan using asset_pkey on asset"), "\(plan)")
        #expect(!plan.contains("Seq Scan on asset"), "\(plan)")
        #expect(try fixture.names("tag:topic-7").count == 200)
        // The total of a one-tag search is counted from the tag rows alone.
        let countPlan = try postgres.read { tx throws(DomainError) -> String in
            try tx.column(String.self, "EXPLAIN " + PostgresCatalog.tagSearchTotalSQL,
                          ["default", "topic-7", "default", "topic-7/", "topic-70"]).joined(separator: "\n")
        }
        #expect(countPlan.contains("Index Only Scan using asset_tag_tag on asset_tag"), "\(countPlan)")
        #expect(!countPlan.contains(" on asset ") && !countPlan.contains("Seq Scan on asset_tag"), "\(countPlan)")
        let page = try fixture.catalog.searchAssets(query, limit: 5, now: QueryFixture.now)
        #expect(page.total == 200 && page.assets.count == 5)
    }
}

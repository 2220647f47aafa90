import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// `stockroom migrate`, run as an operator runs it: a SQLite home with real ingested media moved
/// to PostgreSQL and S3 (moto), SIGKILLed twice on the way (once among the blobs, once among the
/// catalog rows) and continued, then opened as a new home.
@Suite("Migrating a SQLite home to PostgreSQL + S3")
struct HomeMigrationTests {
    let dir = TemporaryDirectory("stockroom-migrate")

    static var enabled: Bool { ServerEnvironment.runPostgresTests && ServerEnvironment.runS3Tests }

    @Test("interrupted twice by SIGKILL and resumed: every row and blob arrives once, share links keep their tokens, the old home is untouched",
          .enabled(if: HomeMigrationTests.enabled))
    func interruptedAndResumed() async throws {
        // The old home: four images (one with a second version), tags, collections, share links
        // with their access log, a comment, an API key.
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["a.jpg": "images/orientation-landscape-1.jpg", "b.jpg": "images/exif-gps.jpg",
                                       "c.png": "images/sample.png", "d.webp": "images/flower.webp",
                                       "e.pdf": "documents/pdflatex-outline.pdf"], in: dir)
        let first = try await Fixtures.ingest([drop], into: home)
        #expect(first.failed == 0, "\(first.files)")
        try FileManager.default.removeItem(at: drop.appendingPathComponent("a.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("images/orientation-landscape-6.jpg"), to: drop.appendingPathComponent("a.jpg"))
        #expect(try await Fixtures.ingest([drop], into: home).versions == 1)
        let assets = try home.catalog.assets(libraryId: nil, limit: 100, offset: 0).sorted { $0.id! < $1.id! }
        #expect(assets.count == 5)
        _ = try TaggingService(tags: home.catalog).change(.add, tags: ["Summer", "brand/logo"], on: .ids(assets.prefix(2).map { $0.id! }), by: .system)
        let collections = CollectionService(collections: home.catalog, assets: home.catalog)
        _ = try collections.createCollection(name: "Client Picks", by: .system)
        _ = try collections.addAssets([assets[2].id!, assets[0].id!], to: "client-picks", note: "hero", by: .system)
        _ = try collections.createCollection(name: "Summer", smartRules: try SmartRules.parse(
            #"{"conditions":[{"field":"tags","operator":"contains","value":"summer"}]}"#), by: .system)
        let shares = ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, bcryptCost: 4)
        let picks = try shares.createShare(ShareRequest(target: .collection(slug: "client-picks"), password: "pw", maxDownloads: 5), by: .system)
        let single = try shares.createShare(ShareRequest(target: .asset(id: assets[3].id!)), by: .system)
        let revoked = try shares.createShare(ShareRequest(target: .collection(slug: "summer")), by: .system)
        _ = try shares.revoke(token: revoked.token, by: .system)
        let client = ShareClient(address: "10.0.0.9", userAgent: "test")
        shares.recordPageView(of: picks, client: client)
        try shares.takeDownload(of: picks, downloadsAllowed: true)
        _ = try home.catalog.addComment(Comment(assetId: assets[0].id!, content: "crop tighter", authorId: "ana"), by: .system,
                                        assetName: assets[0].name, details: [:], linkCap: nil)
        let (_, secret) = try APIKeyService(keys: home.catalog).createKey(name: "publisher")
        _ = try home.catalog.recordReview(AssetReview(shareLinkId: picks.id!, assetId: assets[0].id!, decision: .approved, note: "yes",
                                                      authorName: "Ana", decidedAt: Date()),
                                          by: Actor(kind: .client, name: "Ana"), assetName: assets[0].name, details: [:])

        let sqlite = try #require(home.sqliteCatalog)
        let sourceCounts = try Self.sqliteCounts(sqlite)
        let sourceBlobs = try home.blobs.allHashes().sorted()
        #expect(sourceBlobs.count > 12)
        #expect(sourceCounts["asset_version"] == 6 && sourceCounts["share_access"]! >= 1 && sourceCounts["asset_text"]! >= 1
                && sourceCounts["share_review"] == 1)

        // The new backends: an empty schema and an empty bucket.
        let schema = try PostgresTestSchema()
        let s3 = try S3Fixture(prefix: "migrated")
        let bucket = try s3.createBucket()
        let endpoint = try #require(ServerEnvironment.s3URL)
        let blobsURL = "s3://\(s3.location.bucket)/migrated?endpoint=\(endpoint.absoluteString)&region=us-east-1&pathStyle=true"
        let credentials = ["AWS_ACCESS_KEY_ID": s3.credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": s3.credentials.secretAccessKey]
        let arguments = ["migrate", "--to-catalog", schema.catalogURL, "--to-blobs", blobsURL, "--batch-size", "4", "--parallel", "2"]

        // First run: killed once 5 blobs are committed.
        let killedInBlobs = try StockroomProcess(arguments, home: home, environment: credentials.merging([MigrateTestHookKey: "blobs:5"]) { $1 })
        #expect(await killedInBlobs.waitForExit(seconds: 120) == 128 + SIGKILL, Comment(rawValue: killedInBlobs.stderr))
        let target = try PostgresCatalog(url: try PostgresURL(schema.catalogURL))
        defer { target.shutdown() }
        let blobsAfterFirst = try bucket.allHashes().count
        #expect(blobsAfterFirst >= 5 && blobsAfterFirst < sourceBlobs.count)
        #expect(try Self.count(target, "library") == 0)

        // Second run: continues the blobs, then killed among the catalog rows.
        let killedInRows = try StockroomProcess(arguments, home: home, environment: credentials.merging([MigrateTestHookKey: "rows:30"]) { $1 })
        #expect(await killedInRows.waitForExit(seconds: 120) == 128 + SIGKILL, Comment(rawValue: killedInRows.stderr))
        #expect(try bucket.allHashes().sorted() == sourceBlobs)
        #expect(!killedInRows.stderr.contains("blob 1/"), "the second run sent the first blobs again")
        let partial = try Self.count(target, "asset") + Self.count(target, "library") + Self.count(target, "folder")
        #expect(partial > 0)
        #expect(try Self.count(target, "activity") < sourceCounts["activity"]!)

        // Third run: finishes.
        let finishing = try StockroomProcess(arguments + ["--json"], home: home, environment: credentials)
        #expect(await finishing.waitForExit(seconds: 180) == 0, Comment(rawValue: finishing.stderr))
        let report = try JSONDecoder().decode(MigrationReport.self, from: Data(finishing.stdout.utf8))
        #expect(report.resumed)
        #expect(report.blobs.total == sourceBlobs.count && report.blobs.copiedThisRun == 0)
        #expect(report.tables.allSatisfy { $0.sourceRows == $0.targetRows }, "\(report.tables)")

        // Every row of every table arrived exactly once, with its id.
        for (table, count) in sourceCounts {
            #expect(try Self.count(target, table) == count, "\(table)")
        }
        let sourceIds = try Self.activityIds(sqlite)
        let targetIds = try target.read { tx throws(DomainError) in try tx.column(Int64.self, "SELECT id FROM activity ORDER BY id") }
        #expect(sourceIds == targetIds)

        // The old home is as it was.
        #expect(try Self.sqliteCounts(sqlite) == sourceCounts)
        #expect(try home.blobs.allHashes().sorted() == sourceBlobs)
        #expect(!FileManager.default.fileExists(atPath: home.configURL.path))

        // A new home on the new backends: same assets, versions, renditions, tags, collections.
        let newRoot = dir.url.appendingPathComponent("new-home")
        try FileManager.default.createDirectory(at: newRoot, withIntermediateDirectories: true)
        try "catalog: \(schema.catalogURL)\nblobs: \(blobsURL)\n".write(to: newRoot.appendingPathComponent("stockroom.yml"), atomically: true, encoding: .utf8)
        let moved = try DataHome.open(at: newRoot, environment: credentials)
        #expect(moved.catalog.backendName == "postgresql")
        let movedAssets = try moved.catalog.assets(libraryId: nil, limit: 100, offset: 0).sorted { $0.id! < $1.id! }
        #expect(movedAssets.map(\.id) == assets.map(\.id))
        #expect(movedAssets.map(\.slug) == assets.map(\.slug))
        #expect(movedAssets.map(\.contentHash) == assets.map(\.contentHash))
        #expect(try moved.catalog.tagNames(assetIds: assets.map { $0.id! }) == home.catalog.tagNames(assetIds: assets.map { $0.id! }))
        for asset in assets {
            let before = try home.catalog.versions(assetId: asset.id!), after = try moved.catalog.versions(assetId: asset.id!)
            #expect(after.map(\.blobHash) == before.map(\.blobHash) && after.map(\.isCurrent) == before.map(\.isCurrent))
            let renditions = try moved.catalog.renditions(assetId: asset.id!)
            #expect(renditions.map(\.blobHash) == (try home.catalog.renditions(assetId: asset.id!)).map(\.blobHash))
            for rendition in renditions { #expect(try moved.blobs.verify(rendition.blobHash!)) }
        }
        let movedCollections = CollectionService(collections: moved.catalog, assets: moved.catalog)
        #expect(try movedCollections.details(slug: "client-picks").items.map(\.name) == (try collections.details(slug: "client-picks")).items.map(\.name))
        #expect(Set(try movedCollections.memberAssetIds(of: try movedCollections.collection(slug: "summer"))) == [assets[0].id!, assets[1].id!])
        #expect(try moved.catalog.searchAssets(try AssetQuery.parse("tag:brand"), sort: AssetSort(field: .name), limit: nil, now: Date())
            .assets.count == 2)

        // The share links answer to the same tokens, with their password, counts and log.
        let movedShares = ShareService(shares: moved.catalog, collections: moved.catalog, assets: moved.catalog, bcryptCost: 4)
        let resolved = try movedShares.resolve(token: picks.token)
        #expect(resolved.link.id == picks.id && movedShares.passwordMatches("pw", for: resolved.link))
        #expect(resolved.link.downloadCount == 1)
        #expect(resolved.content.assets.map(\.id) == [assets[2].id!, assets[0].id!])
        let original = try #require(resolved.content.assets.first?.originalFile)
        #expect(try moved.blobs.readAll(original.blobHash) == home.blobs.readAll(original.blobHash))
        #expect(try movedShares.resolve(token: single.token).content.assets.map(\.id) == [assets[3].id!])
        #expect(throws: ShareAccessError.notFound) { try movedShares.openLink(token: revoked.token) }
        #expect(try movedShares.accessLog(token: picks.token).count == (try shares.accessLog(token: picks.token)).count)
        #expect(APIKeyService(keys: moved.catalog).authenticate(secret) != nil)
        #expect(try moved.catalog.comments(assetId: assets[0].id!).map(\.content) == ["crop tighter"])
        #expect(try moved.catalog.reviews(shareLinkId: picks.id!).map { "\($0.assetId) \($0.decision.rawValue) \($0.note ?? "")" }
                == ["\(assets[0].id!) APPROVED yes"])

        // New rows get new ids after the copied ones.
        let next = try LibraryService(libraries: moved.catalog, folders: moved.catalog).createLibrary(name: "After", by: .system)
        #expect(next.id! > (try home.catalog.libraries(organizationId: Organization.defaultId).map { $0.id! }.max() ?? 0))

        // Running it again finds the migration complete and changes nothing.
        let again = try StockroomProcess(arguments + ["--json"], home: home, environment: credentials)
        #expect(await again.waitForExit(seconds: 120) == 0, Comment(rawValue: again.stderr))
        #expect(!again.stderr.contains("blob ") && !again.stderr.contains("rows "), Comment(rawValue: again.stderr))
        #expect(try Self.count(target, "asset") == assets.count)
    }

    @Test("a target catalog that already holds data is refused", .enabled(if: HomeMigrationTests.enabled))
    func nonEmptyTargetIsRefused() async throws {
        let home = try Fixtures.home(in: dir)
        let schema = try PostgresTestSchema()
        let other = try PostgresCatalog(url: try PostgresURL(schema.catalogURL))
        defer { other.shutdown() }
        _ = try other.createLibrary(Library(name: "Theirs", slug: "theirs"))
        let s3 = try S3Fixture(prefix: "migrated")
        _ = try s3.createBucket()
        let endpoint = try #require(ServerEnvironment.s3URL)
        let blobsURL = "s3://\(s3.location.bucket)/migrated?endpoint=\(endpoint.absoluteString)&region=us-east-1&pathStyle=true"
        let process = try StockroomProcess(["migrate", "--to-catalog", schema.catalogURL, "--to-blobs", blobsURL], home: home,
                                           environment: ["AWS_ACCESS_KEY_ID": s3.credentials.accessKeyId,
                                                         "AWS_SECRET_ACCESS_KEY": s3.credentials.secretAccessKey])
        #expect(await process.waitForExit(seconds: 60) == 1)
        #expect(process.stderr.contains("not empty"), Comment(rawValue: process.stderr))
        #expect(try home.catalog.libraries(organizationId: Organization.defaultId).count == 1)
    }

    /// The kill hook of `stockroom migrate` (`MigrateTestHook` in the executable).
    private var MigrateTestHookKey: String { "STOCKROOM_TEST_MIGRATE_KILL_AFTER" }

    /// Rows per table of the SQLite catalog, for every table the migration copies.
    static func sqliteCounts(_ sqlite: SQLiteCatalog) throws -> [String: Int] {
        try sqlite.writer.read { db in
            var counts: [String: Int] = [:]
            for copy in CatalogTableCopy.all { counts[copy.table] = try copy.count(db) }
            return counts
        }
    }

    static func activityIds(_ sqlite: SQLiteCatalog) throws -> [Int64] {
        try sqlite.writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM activity ORDER BY id") }
    }

    static func count(_ catalog: PostgresCatalog, _ table: String) throws -> Int {
        Int(try catalog.read { tx throws(DomainError) in try tx.scalar(Int64.self, "SELECT COUNT(*) FROM \(table)") ?? 0 })
    }
}

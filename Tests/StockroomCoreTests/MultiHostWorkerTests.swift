import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// The deployment past one machine, on loopback: a catalog on PostgreSQL, blobs on S3 (moto),
/// files queued by one `stockroom ingest --enqueue-only`, and three `stockroom worker` processes,
/// each with a home and scratch folder of its own and no access to any other's files.
@Suite("Pipeline workers on many hosts")
struct MultiHostWorkerTests {
    let dir = TemporaryDirectory("stockroom-multihost")

    static var enabled: Bool { ServerEnvironment.runPostgresTests && ServerEnvironment.runS3Tests }

    @Test("three workers, one SIGKILLed mid-job: every file once, with all renditions, every blob in the bucket, scratch empty",
          .enabled(if: MultiHostWorkerTests.enabled))
    func threeWorkersOneKilled() async throws {
        let schema = try PostgresTestSchema()
        let s3 = try S3Fixture(prefix: "stockroom")
        _ = try s3.createBucket()
        let endpoint = try #require(ServerEnvironment.s3URL)
        let environment = [
            "STOCKROOM_CATALOG": schema.catalogURL,
            "STOCKROOM_BLOBS": "s3://\(s3.location.bucket)/stockroom?endpoint=\(endpoint.absoluteString)&region=us-east-1&pathStyle=true",
            "AWS_ACCESS_KEY_ID": s3.credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": s3.credentials.secretAccessKey,
        ]
        let home = try DataHome.initialize(at: dir.url.appendingPathComponent("coordinator"), environment: environment)
        _ = try LibraryService(libraries: home.catalog, folders: home.catalog).createLibrary(name: "Test Library", by: .system)

        // 50 distinct files (as issue 13 asks): one corpus JPEG, each copy with its own bytes after the image.
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let jpeg = try Data(contentsOf: Fixtures.corpusFile("images/orientation-landscape-1.jpg"))
        let count = 50
        for i in 0..<count {
            try (jpeg + Data("stockroom multi-host \(i)".utf8)).write(to: drop.appendingPathComponent(String(format: "photo-%02d.jpg", i)))
        }
        let enqueue = try StockroomProcess(["ingest", drop.path, "--library", "test-library", "--enqueue-only", "--json"],
                                           homePath: home.root.path, environment: environment)
        #expect(await enqueue.waitForExit(seconds: 60) == 0, Comment(rawValue: enqueue.stderr))
        // The drop folder is this host's: the workers see only the catalog and the bucket.
        try FileManager.default.removeItem(at: drop)

        var workers: [StockroomProcess] = []
        var scratches: [URL] = []
        for i in 0..<3 {
            let scratch = dir.url.appendingPathComponent("host-\(i)/scratch")
            scratches.append(scratch)
            workers.append(try StockroomProcess(["worker", "--drain", "--workers", "2", "--scratch", scratch.path],
                                                homePath: dir.url.appendingPathComponent("host-\(i)/home").path, environment: environment))
        }
        // SIGKILL the first worker while it holds a job.
        let catalog = try #require(home.catalog as? PostgresCatalog)
        let victim = workers[0].pid
        var killed = false
        let deadline = Date().addingTimeInterval(60)
        while !killed, Date() < deadline {
            let owners = try catalog.read { tx throws(DomainError) in
                try tx.column(String.self, "SELECT lease_owner FROM job WHERE status = 'RUNNING' AND lease_owner IS NOT NULL")
            }
            if owners.contains(where: { LeaseOwner(parsing: $0)?.pid == victim }) {
                kill(victim, SIGKILL)
                killed = true
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(killed, "the first worker never held a job")
        for worker in workers.dropFirst() {
            #expect(await worker.waitForExit(seconds: 120) == 0, Comment(rawValue: worker.stderr))
        }

        let jobs = try catalog.read { tx throws(DomainError) in try tx.records(Job.self, from: "job", orderBy: "t.id") }
        #expect(jobs.count == count)
        #expect(jobs.allSatisfy { $0.status == .succeeded }, Comment(rawValue: jobs.map { "\($0.status) \($0.lastError ?? "")" }.joined(separator: "; ")))
        let assets = try home.catalog.assets(libraryId: nil, limit: 1000, offset: 0)
        #expect(assets.count == count)
        #expect(Set(assets.compactMap(\.sourcePath)).count == count)
        var renditionTypes: Set<RenditionType>?
        for asset in assets {
            #expect(try home.catalog.versions(assetId: asset.id!).count == 1)
            let renditions = try home.catalog.renditions(assetId: asset.id!)
            #expect(!renditions.isEmpty && renditions.allSatisfy { $0.status == .completed && $0.blobHash != nil }, "asset \(asset.name)")
            let types = Set(renditions.map(\.renditionType))
            if let renditionTypes { #expect(types == renditionTypes, "asset \(asset.name)") } else { renditionTypes = types }
        }
        let references = try home.catalog.referencedBlobs()
        // The copies differ only after the image: 50 originals, renditions shared by content.
        var originals = Set<String>()
        for asset in assets { originals.insert(try #require(try home.catalog.currentVersion(assetId: asset.id!)).blobHash) }
        #expect(originals.count == count)
        #expect(references.count > count)
        for reference in references { #expect(home.blobs.contains(reference.hash), "blob \(reference.hash) of \(reference.usedBy)") }
        for scratch in scratches.dropFirst() {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            #expect(left.isEmpty, "left in \(scratch.path): \(left)")
        }
        // The survivors did the victim's job: some job was reclaimed (a second attempt, or the
        // reclaim's note when the kill came in the grid pass, whose attempts the second pass resets).
        #expect(jobs.contains { $0.attempts >= 2 || $0.lastError?.contains("stopped during attempt") == true })
    }
}

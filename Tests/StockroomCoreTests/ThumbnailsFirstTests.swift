import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// Thumbnails first (issue 16): a batch's grid thumbnails are all made before its larger
/// renditions; the rest show PENDING until made; a crash between the passes resumes. Real
/// SQLite, real media workers (libvips), real subprocesses; nothing is timed.
@Suite("Thumbnails first: grid renditions of a batch before the rest", .serialized)
struct ThumbnailsFirstTests {
    let dir = TemporaryDirectory()
    let grid = PipelineDefinition.defaultGridTypes

    /// Distinct files (the orientation variants differ in their EXIF, so in their hashes).
    private func drop(_ count: Int, folder: String = "drop") throws -> URL {
        try Fixtures.stage(Dictionary(uniqueKeysWithValues: (1...count).map {
            ("photo-\($0).jpg", "images/orientation-landscape-\($0).jpg")
        }), in: dir, folder: folder)
    }

    private func allRenditions(_ home: DataHome) throws -> [Rendition] {
        try home.sqliteCatalog!.database.writer.read { db in try Rendition.order(Column("id")).fetchAll(db) }
    }

    private func allJobs(_ home: DataHome, batchId: String? = nil) throws -> [Job] {
        try home.sqliteCatalog!.database.writer.read { db in
            try Job.order(Column("id")).fetchAll(db).filter { batchId == nil || $0.batchId == batchId }
        }
    }

    /// Another file queued in a batch of its own, which the runs of these tests (each taking its
    /// own batch) never claim: while it waits for its first pass, every render is two passes.
    private func keepAFileWaiting(_ home: DataHome) throws {
        let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home))
        let waiting = try Fixtures.stage(["waiting-for-its-turn.jpg": "images/orientation-landscape-8.jpg"], in: dir, folder: "waiting")
        _ = try service.enqueue(try IngestService.sourceFiles([waiting]), librarySlug: "test-library",
                                baseFolder: nil, actor: .system)
    }

    /// What a worker does, one job at a time, but only for jobs at normal priority: the first
    /// claim of a lower priority is put back untouched and the loop ends.
    private func runFirstPasses(_ runner: PipelineRunner, _ home: DataHome, batchId: String) throws -> Int {
        var processed = 0
        while let job = try home.catalog.claimJob(owner: .current, leaseSeconds: 600, batchId: batchId, now: Date()) {
            if job.priority < Job.normalPriority {
                try home.catalog.releaseJob(job, now: Date())
                break
            }
            _ = runner.process(job)
            processed += 1
        }
        return processed
    }

    @Test("the default pipeline marks THUMBNAIL_SMALL and THUMBNAIL_MEDIUM as grid; `grid:` changes it without changing recipe hashes")
    func gridFlag() throws {
        let definition = try Fixtures.pipelines.definition(named: "default")
        #expect(definition.gridTypes == [.thumbnailSmall, .thumbnailMedium])
        let yaml = """
            name: custom
            renditions:
              THUMBNAIL_SMALL: {size: 150, grid: false}
              THUMBNAIL_LARGE: {size: 600, grid: true}
              PREVIEW: {size: 1600}
            """
        let custom = try PipelineDefinition.parse(yaml: yaml, file: "custom.yml")
        #expect(custom.gridTypes == [.thumbnailLarge])
        let plain = try PipelineDefinition.parse(yaml: "name: plain\nrenditions:\n  THUMBNAIL_SMALL: {size: 150}\n", file: "plain.yml")
        #expect(PipelineDefinition.recipeHash(custom.recipes[.thumbnailSmall]!) == PipelineDefinition.recipeHash(plain.recipes[.thumbnailSmall]!))
        #expect(throws: PipelineDefinitionError.self) {
            try PipelineDefinition.parse(yaml: "name: bad\nrenditions:\n  PREVIEW: {size: 1600, grid: sometimes}\n", file: "bad.yml")
        }
    }

    @Test("one worker: every grid rendition of the batch is committed before any larger one")
    func gridBeforeTheRest() async throws {
        let home = try Fixtures.home(in: dir)
        let summary = try await Fixtures.ingest([try drop(4)], into: home, workers: 1)
        #expect(summary.ingested == 4, "\(summary.files)")
        #expect(summary.files.allSatisfy { $0.renditions == 9 && ($0.renditionsFailed ?? 0) == 0 }, "\(summary.files)")
        let renditions = try allRenditions(home)
        #expect(renditions.count == 36)
        #expect(renditions.allSatisfy { $0.status == .completed && $0.blobHash != nil })
        let gridDone = try #require(renditions.filter { grid.contains($0.renditionType) }.map(\.updatedAt).max())
        let firstLarger = try #require(renditions.filter { !grid.contains($0.renditionType) }.map(\.updatedAt).min())
        #expect(gridDone <= firstLarger, "last grid rendition \(gridDone), first larger one \(firstLarger)")
        // Each file's job made its grid thumbnails, went back to the queue at the lower priority, and finished there.
        for job in try allJobs(home) {
            #expect(job.status == .succeeded)
            #expect(job.priority == Job.remainingRenditionsPriority)
            #expect(try job.payload.decode(IngestPayload.self).gridThumbnailsMade == true)
        }
    }

    @Test("the run reports each file's grid thumbnails as they are made, before the file finishes (the progress bar moves in the first pass)")
    func gridThumbnailsReported() async throws {
        let home = try Fixtures.home(in: dir)
        let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home))
        let (batchId, jobs) = try service.enqueue(try IngestService.sourceFiles([try drop(3)]), librarySlug: "test-library",
                                                  baseFolder: nil, actor: .system)
        let heard = HeardEvents()
        let summary = try await service.run(batchId: batchId, workers: 1,
                                            onGridThumbnails: { heard.append("grid", $0) }, onEvent: { heard.append("done", $0) })
        #expect(summary.ingested == 3)
        let events = heard.all
        // One worker: the three first passes, then the three second passes, each file once in each.
        #expect(events.map(\.kind) == ["grid", "grid", "grid", "done", "done", "done"], "\(events)")
        #expect(Set(events.prefix(3).map(\.job)) == Set(jobs.map(\.id!)))
        #expect(Set(events.suffix(3).map(\.job)) == Set(jobs.map(\.id!)))
        // The last file of the batch too took two passes: the second passes come in the order of the first.
        #expect(events.suffix(3).map(\.job) == events.prefix(3).map(\.job))
        #expect(events.allSatisfy { $0.file?.hasPrefix("photo-") == true })
    }

    @Test("a file no other file waits for is rendered from one decode: grid thumbnails committed first, the rest in the same claim, the larger renditions the same bytes as in two passes")
    func oneDecodeWhenNothingWaits() async throws {
        func ingestOne(_ home: DataHome, folder: String) async throws -> (pool: MediaWorkerPool, kinds: [String], batchId: String) {
            let pool = Fixtures.mediaPool()
            let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home, pool: pool))
            let (batchId, _) = try service.enqueue(try IngestService.sourceFiles([try drop(1, folder: folder)]), librarySlug: "test-library",
                                                   baseFolder: nil, actor: .system)
            let heard = HeardEvents()
            let summary = try await service.run(batchId: batchId, workers: 1,
                                                onGridThumbnails: { heard.append("grid", $0) }, onEvent: { heard.append("done", $0) })
            #expect(summary.ingested == 1 && summary.files.first?.renditions == 9, "\(summary.files)")
            #expect((summary.files.first?.renditionsFailed ?? 0) == 0)
            pool.shutdown()
            return (pool, heard.all.map(\.kind), batchId)
        }
        let home = try Fixtures.home(in: dir)
        let alone = try await ingestOne(home, folder: "alone")
        // One describe and one render request: one decode made all nine.
        #expect(alone.pool.requestsSent == 2)
        #expect(alone.kinds == ["grid", "done"])
        let rows = try allRenditions(home)
        #expect(rows.count == 9 && rows.allSatisfy { $0.status == .completed && $0.blobHash != nil })
        let gridDone = try #require(rows.filter { grid.contains($0.renditionType) }.map(\.updatedAt).max())
        let firstLarger = try #require(rows.filter { !grid.contains($0.renditionType) }.map(\.updatedAt).min())
        #expect(gridDone < firstLarger, "grid thumbnails committed \(gridDone), the first larger rendition \(firstLarger)")
        let job = try #require(try allJobs(home, batchId: alone.batchId).first)
        #expect(job.status == .succeeded && job.attempts == 1)
        #expect(try job.payload.decode(IngestPayload.self).gridThumbnailsMade == true)

        // The same file while another waits for its first pass: two passes, two render requests,
        // and the larger renditions come out byte for byte the same.
        let otherDir = TemporaryDirectory()
        let other = try Fixtures.home(in: otherDir)
        try keepAFileWaiting(other)
        let twoPasses = try await ingestOne(other, folder: "beside-a-waiting-one")
        #expect(twoPasses.pool.requestsSent == 3)
        let larger = { (rows: [Rendition]) in
            Dictionary(uniqueKeysWithValues: rows.filter { !grid.contains($0.renditionType) }.map { ($0.renditionType, $0.blobHash) })
        }
        #expect(larger(try allRenditions(other)) == larger(rows))
    }

    @Test("stockroom ingest killed between a file's two commits (grid thumbnails in, the rest not) resumes and makes only the rest")
    func crashBetweenCommits() async throws {
        let home = try Fixtures.home(in: dir)
        let state = dir.url.appendingPathComponent("hook-state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let folder = dir.url.appendingPathComponent("stalls-after-grid")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-3.jpg", action: "stall-once", step: "renderedFirst",
                                           to: folder.appendingPathComponent("photo.jpg"))
        let arguments = ["ingest", folder.path, "--library", "test-library", "--json", "--workers", "1"]
        let environment = [MediaWorkerTestHook.environmentKey: state.path]
        let first = try StockroomProcess(arguments, home: home, environment: environment)
        // The worker sent the grid thumbnails and stalls before the rest: the first commit is in.
        let reached = try await waitUntil(120) {
            let rows = try allRenditions(home)
            return rows.filter { grid.contains($0.renditionType) && $0.status == .completed }.count == 2
                && rows.filter { $0.status == .pending }.count == 7
        }
        #expect(reached)
        kill(first.pid, SIGKILL)
        _ = await first.waitForExit(seconds: 30)
        let gridBefore = try allRenditions(home).filter { grid.contains($0.renditionType) }
        try #require(gridBefore.count == 2 && gridBefore.allSatisfy { $0.status == .completed })
        let held = try #require(try allJobs(home).first)
        #expect(held.status == .running && held.stage == .render)
        #expect(try held.payload.decode(IngestPayload.self).gridThumbnailsMade == true)

        let second = try StockroomProcess(arguments, home: home, environment: environment)
        #expect(await second.waitForExit(seconds: 300) == 0, "\(second.stderr.suffix(1500))")
        let rows = try allRenditions(home)
        #expect(rows.count == 9)
        #expect(rows.allSatisfy { $0.status == .completed && $0.blobHash != nil }, "\(rows.filter { $0.status != .completed })")
        // The grid thumbnails were not made again: only the rest was.
        #expect(rows.filter { grid.contains($0.renditionType) } == gridBefore)
        #expect(try home.catalog.failures(includeResolved: false).isEmpty)
        let counts = try home.catalog.jobCounts(batchId: nil)
        #expect(counts == [.succeeded: 1], "\(counts)")
    }

    @Test("between the passes the larger renditions are PENDING rows, stale for `render --stale`; draining completes them")
    func pendingBetweenPasses() async throws {
        let home = try Fixtures.home(in: dir)
        let runner = Fixtures.runner(home)
        let service = IngestService(catalog: home.catalog, runner: runner)
        let (batchId, jobs) = try service.enqueue(try IngestService.sourceFiles([try drop(3)]), librarySlug: "test-library",
                                                  baseFolder: nil, actor: .system)
        #expect(jobs.count == 3)
        try keepAFileWaiting(home)
        #expect(try runFirstPasses(runner, home, batchId: batchId) == 3)

        let assets = try home.catalog.assets(libraryId: nil, limit: 10, offset: 0)
        #expect(assets.count == 3)
        for asset in assets {
            let rows = try home.catalog.renditions(assetId: asset.id!)
            let version = try #require(try home.catalog.currentVersion(assetId: asset.id!))
            #expect(rows.count == 9)
            for row in rows {
                #expect(row.versionId == version.id)
                if grid.contains(row.renditionType) {
                    #expect(row.status == .completed && row.blobHash != nil, "\(row.renditionType)")
                } else {
                    #expect(row.status == .pending && row.blobHash == nil, "\(row.renditionType): \(row.status)")
                }
            }
        }
        #expect(try allJobs(home, batchId: batchId).allSatisfy { $0.status == .queued && $0.priority == Job.remainingRenditionsPriority })
        #expect(try home.catalog.jobCounts(batchId: batchId) == [.queued: 3])
        // A PENDING row is not up to date: `render --stale` would queue these assets.
        #expect(Set(try RenderPlanner(catalog: home.catalog).staleAssetIds(pipelines: Fixtures.pipelines)) == Set(assets.map { $0.id! }))

        let summary = try await service.run(batchId: batchId, workers: 2)
        #expect(summary.ingested == 3 && summary.failed == 0, "\(summary.files)")
        #expect(summary.files.allSatisfy { $0.renditions == 9 })
        let rows = try allRenditions(home)
        #expect(rows.count == 27)
        #expect(rows.allSatisfy { $0.status == .completed && $0.blobHash != nil }, "\(rows.filter { $0.status != .completed })")
        #expect(try RenderPlanner(catalog: home.catalog).staleAssetIds(pipelines: Fixtures.pipelines).isEmpty)
    }

    @Test("a second pass that takes the process down three times keeps the asset and shows its renditions FAILED")
    func secondPassFailsForGood() throws {
        let home = try Fixtures.home(in: dir)
        let runner = Fixtures.runner(home)
        let service = IngestService(catalog: home.catalog, runner: runner)
        let (batchId, _) = try service.enqueue(try IngestService.sourceFiles([try drop(1)]), librarySlug: "test-library",
                                               baseFolder: nil, actor: .system)
        try keepAFileWaiting(home)
        #expect(try runFirstPasses(runner, home, batchId: batchId) == 1)
        // A process of this host that has exited: its leases are reclaimed at once.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: gone.processIdentifier, nonce: "dead")
        var reclaimed = ReclaimedJobs()
        for _ in 1...3 {
            let claimed = try #require(try home.catalog.claimJob(owner: dead, leaseSeconds: 600, batchId: batchId, now: Date()))
            #expect(claimed.priority == Job.remainingRenditionsPriority)
            reclaimed = try home.catalog.reclaimAbandonedJobs(now: Date())
        }
        #expect(reclaimed.failed.count == 1)
        let asset = try #require(try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).first)
        let rows = try home.catalog.renditions(assetId: asset.id!)
        #expect(rows.count == 9)
        for row in rows {
            if grid.contains(row.renditionType) {
                #expect(row.status == .completed)
            } else {
                #expect(row.status == .failed, "\(row.renditionType): \(row.status)")
                #expect(row.error?.hasPrefix("Stockroom stopped unexpectedly 3 times") == true, "\(row.error ?? "")")
            }
        }
        #expect(try home.catalog.failures(includeResolved: false).count == 1)
    }

    @Test("stockroom ingest killed between the passes resumes on the next run and completes every rendition")
    func crashBetweenPasses() async throws {
        let home = try Fixtures.home(in: dir)
        let files = 6
        let arguments = ["ingest", try drop(files).path, "--library", "test-library", "--json", "--workers", "1"]
        let first = try StockroomProcess(arguments, home: home)
        func counts() throws -> (gridDone: Int, pending: Int) {
            let rows = try allRenditions(home)
            return (rows.filter { grid.contains($0.renditionType) && $0.status == .completed }.count, rows.filter { $0.status == .pending }.count)
        }
        // Every grid thumbnail is made and larger renditions are still to come: the second passes are under way.
        let reached = try await waitUntil(300) { let c = try counts(); return c.gridDone == 2 * files && c.pending > 0 }
        #expect(reached)
        kill(first.pid, SIGKILL)
        _ = await first.waitForExit(seconds: 30)
        let left = try counts()
        try #require(left.gridDone == 2 * files && left.pending > 0, "the kill came after the run had finished: \(left)")
        #expect(try allJobs(home).contains { $0.status != .succeeded })

        let second = try StockroomProcess(arguments, home: home)
        #expect(await second.waitForExit(seconds: 300) == 0, "\(second.stderr.suffix(1500))")
        let summary = try JSONDecoder.stockroom.decode(IngestSummary.self, from: Data(second.stdout.utf8))
        // Files whose job had finished before the kill are unchanged; the rest resumed as ingested.
        #expect(summary.ingested + summary.unchanged == files && summary.failed == 0, "\(summary.files)")
        let rows = try allRenditions(home)
        #expect(rows.count == 9 * files)
        #expect(rows.allSatisfy { $0.status == .completed && $0.blobHash != nil }, "\(rows.filter { $0.status != .completed })")
        #expect(try home.catalog.assets(libraryId: nil, limit: 100, offset: 0).count == files)
        #expect(try home.catalog.failures(includeResolved: false).isEmpty)
        let counts = try home.catalog.jobCounts(batchId: nil)
        #expect(counts[.queued] == nil && counts[.running] == nil && counts[.failed] == nil, "\(counts)")
    }
}

/// Pipeline events in the order the runner's threads reported them.
private final class HeardEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [(kind: String, job: Int64, file: String?)] = []

    func append(_ kind: String, _ event: PipelineEvent) {
        lock.withLock { events.append((kind, event.jobId, event.file)) }
    }

    var all: [(kind: String, job: Int64, file: String?)] { lock.withLock { events } }
}

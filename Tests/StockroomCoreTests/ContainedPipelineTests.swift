import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// Media workers dying under the real pipeline: the batch and the watch go on, the file is
/// retried once and then quarantined with its reason, and the catalog holds nothing of it.
@Suite("Contained media under ingest and watch", .serialized)
struct ContainedPipelineTests {
    let dir = TemporaryDirectory()

    private func hookState() throws -> URL {
        let url = dir.url.appendingPathComponent("hooks-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func counts(_ home: DataHome) throws -> (assets: Int, versions: Int, failures: Int) {
        try home.sqliteCatalog!.database.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset_version")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingest_failure")!)
        }
    }

    /// The default pipeline with another time limit.
    private func pipelines(timeLimit: Int) throws -> PipelineDirectory {
        let folder = dir.url.appendingPathComponent("pipelines-\(timeLimit)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let yaml = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"), encoding: .utf8)
            .replacingOccurrences(of: "timeLimitSeconds: 120", with: "timeLimitSeconds: \(timeLimit)")
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("default.yml"))
        return PipelineDirectory(searchPath: [folder])
    }

    @Test("ingest: workers that segfault or are killed mid-job fail their file with a crash reason; the rest of the batch is ingested")
    func ingestSurvivesWorkerDeaths() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "SIGSEGV", step: "render", to: drop.appendingPathComponent("segv.jpg"))
        _ = try MediaWorkerFixtures.hooked("video/sample.mp4", action: "SIGKILL", step: "describe", to: drop.appendingPathComponent("killed.mp4"))
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-2.jpg", action: "SIGSEGV-once", step: "render", to: drop.appendingPathComponent("flaky.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("images/flower.webp"), to: drop.appendingPathComponent("fine.webp"))
        let pool = Fixtures.mediaPool(testHooks: try hookState())
        let summary = try await Fixtures.ingest([drop], into: home, pool: pool)
        let byFile = Dictionary(uniqueKeysWithValues: summary.files.map { ($0.file, $0) })

        #expect(byFile["fine.webp"]?.outcome == .ingested)
        #expect(byFile["flaky.jpg"]?.outcome == .ingested, "a crash on the first try is retried: \(byFile["flaky.jpg"]?.reason ?? "")")
        #expect(byFile["flaky.jpg"]?.renditions == 9)
        let segv = try #require(byFile["segv.jpg"])
        #expect(segv.outcome == .failed && segv.stage == .render)
        #expect(segv.reason == "the image decoder (JPEG) crashed (SIGSEGV) while making the renditions (retried once)")
        let killed = try #require(byFile["killed.mp4"])
        #expect(killed.outcome == .failed && killed.stage == .extract)
        #expect(killed.reason == "the video decoder was killed (SIGKILL) while reading the file's metadata (retried once)")

        // No asset, version or rendition of the crashed files; each ingested file once; no half blobs.
        let (assets, versions, failures) = try counts(home)
        #expect(assets == 2 && versions == 2 && failures == 2)
        let names = try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).map(\.name).sorted()
        #expect(names == ["fine.webp", "flaky.jpg"])
        let blobRoot = try #require(home.blobs as? DiskBlobStore).root
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobRoot.appendingPathComponent("tmp").path).isEmpty)
        #expect(try home.catalog.jobCounts(batchId: summary.batchId) == [.succeeded: 2, .failed: 2])
    }

    @Test("watch: a crashing file is quarantined with NAME.error.json, a killed worker's file too, and the watch goes on")
    func watchSurvivesWorkerDeaths() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let pool = Fixtures.mediaPool(testHooks: try hookState())
        let watch = try ContainedWatch(home: home, drop: drop, runner: Fixtures.runner(home, pipelines: try pipelines(timeLimit: 60), pool: pool))

        let staged = dir.url.appendingPathComponent("staged")
        _ = try MediaWorkerFixtures.hooked("video/sample.mp4", action: "SIGSEGV", step: "render", to: staged.appendingPathComponent("segv.mp4"))
        try FileManager.default.moveItem(at: staged.appendingPathComponent("segv.mp4"), to: drop.appendingPathComponent("segv.mp4"))
        #expect(await waitUntil { !watch.log.finished("segv.mp4").isEmpty })
        let crashed = try #require(watch.log.finished("segv.mp4").first)
        #expect(crashed.event == .failed && crashed.stage == "render")
        #expect(crashed.reason == "the video decoder crashed (SIGSEGV) while making the poster frame (retried once)")
        let quarantined = drop.appendingPathComponent(".stockroom-failed/segv.mp4")
        #expect(crashed.movedTo == quarantined.path)
        let report = try JSONDecoder.stockroom.decode([String: String].self,
                                                      from: Data(contentsOf: drop.appendingPathComponent(".stockroom-failed/segv.mp4.error.json")))
        #expect(report["reason"] == crashed.reason && report["stage"] == "render")

        // Killed from outside mid-job, on the first try and on the retry.
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-3.jpg", action: "stall", step: "render", to: staged.appendingPathComponent("stall.jpg"))
        try FileManager.default.moveItem(at: staged.appendingPathComponent("stall.jpg"), to: drop.appendingPathComponent("stall.jpg"))
        // Only a worker busy for a while is the stalled render (the describe before it is quick).
        var killed = Set<Int32>()
        var busySince: [Int32: Date] = [:]
        #expect(await waitUntil(60) {
            let busy = Set(pool.busyWorkerProcessIDs)
            busySince = busySince.filter { busy.contains($0.key) }
            for pid in busy where !killed.contains(pid) {
                let since = busySince[pid] ?? Date()
                busySince[pid] = since
                if Date().timeIntervalSince(since) > 1.5 {
                    kill(pid, SIGKILL)
                    killed.insert(pid)
                }
            }
            return !watch.log.finished("stall.jpg").isEmpty
        })
        #expect(killed.count == 2)
        let stalled = try #require(watch.log.finished("stall.jpg").first)
        #expect(stalled.reason == "the image decoder (JPEG) was killed (SIGKILL) while making the renditions (retried once)")
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent(".stockroom-failed/stall.jpg").path))

        // The watch is still up and ingests the next file.
        try FileManager.default.copyItem(at: Corpus.file("images/flower.webp"), to: drop.appendingPathComponent("after.webp"))
        #expect(await waitUntil { !watch.log.finished("after.webp").isEmpty })
        #expect(watch.log.finished("after.webp").first?.event == .ingested)
        await watch.shutdown()
        let (assets, versions, failures) = try counts(home)
        #expect(assets == 1 && versions == 1 && failures == 2)
    }

    @Test("a worker hung past the time limit is stopped by the supervisor and its file quarantined")
    func hangIsStopped() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-4.jpg", action: "stall", step: "describe", to: drop.appendingPathComponent("hang.jpg"))
        let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home, pipelines: try pipelines(timeLimit: 1),
                                                                                  pool: Fixtures.mediaPool(testHooks: try hookState())))
        let (batch, _) = try service.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        let summary = try await service.run(batchId: batch, workers: 1)
        #expect(summary.files.first?.reason == "the image decoder (JPEG) did not finish within 3 s while reading the file's metadata; its worker was stopped (retried once)")
    }

    @Test("a file needing more memory than the worker cap fails with that reason and the batch goes on")
    func memoryCapUnderIngest() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        _ = try MediaWorkerFixtures.hugeFrameGIF(to: drop.appendingPathComponent("huge.gif"))
        try FileManager.default.copyItem(at: Corpus.file("images/orientation-landscape-1.jpg"), to: drop.appendingPathComponent("fine.jpg"))
        let summary = try await Fixtures.ingest([drop], into: home, pool: Fixtures.mediaPool(limits: MediaWorkerLimits(memoryBytes: 768 << 20)))
        let byFile = Dictionary(uniqueKeysWithValues: summary.files.map { ($0.file, $0) })
        #expect(byFile["fine.jpg"]?.outcome == .ingested)
        let huge = try #require(byFile["huge.gif"])
        #expect(huge.outcome == .failed)
        #expect(huge.reason?.hasPrefix("needs more memory than the worker limit of 768 MiB") == true, "\(huge.reason ?? "")")
        #expect(try counts(home).assets == 1)
    }

    @Test("a job reclaimed from a dead process counts as an attempt: with none left it fails for good, with a failure row")
    func reclaimCountsAttempts() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["loop.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home))
        let (batch, _) = try service.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        // Three processes in turn claimed the job and died with it (a file that crashed the whole service).
        for round in 1...3 {
            let dead = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: 999_999_0 + Int32(round), nonce: "crashed")
            let claimed = try #require(try home.catalog.claimJob(owner: dead, leaseSeconds: 3600, batchId: batch, now: Date()))
            #expect(claimed.attempts == round)
            let reclaimed = try home.catalog.reclaimAbandonedJobs(now: Date())
            #expect(reclaimed.requeued == (round < 3 ? 1 : 0))
            #expect(reclaimed.failed.count == (round < 3 ? 0 : 1))
        }
        let job = try #require(try home.catalog.jobs(batchId: batch).first)
        #expect(job.status == .failed)
        #expect(job.lastError?.hasPrefix("Stockroom stopped unexpectedly 3 times while working on this file (at the store stage)") == true)
        let failure = try #require(try home.catalog.failures(includeResolved: false).first)
        #expect(failure.sourcePath.hasSuffix("loop.jpg") && failure.stage == "STORE")
        // A run after that does not touch the file again.
        let summary = try await service.run(batchId: batch, workers: 1)
        #expect(summary.failed == 1 && summary.ingested == 0)
    }

    @Test("a stop while a worker is busy puts the job back in the queue without using an attempt")
    func stopReleasesJob() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-5.jpg", action: "stall", step: "render", to: drop.appendingPathComponent("slow.jpg"))
        let pool = Fixtures.mediaPool(testHooks: try hookState())
        let service = IngestService(catalog: home.catalog, runner: Fixtures.runner(home, pool: pool))
        let (batch, _) = try service.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        let stop = StopSignal()
        let run = Task { try await service.run(batchId: batch, workers: 1, stop: stop) }
        #expect(await waitUntil(60) { !pool.busyWorkerProcessIDs.isEmpty && (try? home.catalog.jobs(batchId: batch).first?.stage) == .render })
        let stoppedAt = Date()
        stop.stop()
        let summary = try await run.value
        #expect(summary.pending == 1)
        let job = try #require(try home.catalog.jobs(batchId: batch).first)
        #expect(job.status == .queued && job.leaseOwner == nil && job.attempts == 0 && job.stage == .render)
        // Released by the pipeline thread as soon as its worker was killed.
        #expect(job.updatedAt.timeIntervalSince(stoppedAt) < 5)
        #expect(try home.catalog.failures(includeResolved: false).isEmpty)
    }
}

/// A watch service over one drop folder, run in the background with a given runner.
final class ContainedWatch: @unchecked Sendable {
    let stop = StopSignal()
    let log = EventLog()
    private var task: Task<Void, Never>?

    init(home: DataHome, drop: URL, runner: PipelineRunner, settle: Double = 0.3) throws {
        let log = self.log
        let configuration = WatchFolderConfiguration(path: drop.path, library: "test-library", settleSeconds: settle, rescanSeconds: 30)
        let service = try WatchService(configurations: [configuration], catalog: home.catalog, runner: runner, workers: 1,
                                       onEvent: { log.append($0) })
        let stop = self.stop
        task = Task.detached { await service.run(stop: stop) }
    }

    func shutdown() async {
        stop.stop()
        await task?.value
    }
}

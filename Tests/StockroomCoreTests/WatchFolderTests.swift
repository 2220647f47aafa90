import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// Collects events from worker threads.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [WatchEvent] = []

    func append(_ event: WatchEvent) { lock.withLock { items.append(event) } }
    var events: [WatchEvent] { lock.withLock { items } }
    func finished(_ file: String) -> [WatchEvent] { events.filter { $0.file == file && $0.event != .queued && $0.event != .watching } }
}

/// Polls until `condition` holds or `limit` seconds pass (a safety net, not a timing assertion).
func waitUntil(_ limit: Double = 120, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try condition()
}

@Suite("Watch folders with real inotify", .serialized)
struct WatchFolderTests {
    let dir = TemporaryDirectory()

    /// Runs a watch service in the background; `stop()` ends it gracefully.
    final class RunningWatch: @unchecked Sendable {
        let stop = StopSignal()
        let log = EventLog()
        var task: Task<Void, Never>?

        init(home: DataHome, configuration: WatchFolderConfiguration) throws {
            let log = self.log
            let service = try WatchService(configurations: [configuration], catalog: home.catalog, runner: Fixtures.runner(home),
                                           workers: 2, onEvent: { log.append($0) })
            let stop = self.stop
            task = Task.detached { await service.run(stop: stop) }
        }

        func shutdown() async {
            stop.stop()
            await task?.value
        }
    }

    private func config(_ drop: URL, settle: Double = 1.0, processed: URL? = nil) -> WatchFolderConfiguration {
        WatchFolderConfiguration(path: drop.path, library: "test-library", folder: "/incoming", processed: processed?.path,
                                 settleSeconds: settle, rescanSeconds: 30)
    }

    private func assetCount(_ home: DataHome) throws -> Int {
        try home.sqliteCatalog!.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset")! }
    }

    @Test("a file written in chunks with pauses is ingested once, after the last chunk")
    func chunkedWrite() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop.appendingPathComponent("campaigns/summer"), withIntermediateDirectories: true)
        let watch = try RunningWatch(home: home, configuration: config(drop, settle: 1.0))
        let bytes = try Data(contentsOf: Fixtures.corpusFile("images/orientation-landscape-1.jpg"))
        let target = drop.appendingPathComponent("campaigns/summer/slow.jpg")
        let chunks = 5
        let chunkSize = bytes.count / chunks + 1
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        // The writer keeps its own time on its own thread: a cooperative pool busy with other
        // tests must not stretch its pauses past the settle interval.
        let log = watch.log
        let early = try await MediaWorkerFixtures.offPool { () -> [Int] in
            var early: [Int] = []
            for i in 0..<chunks {
                let handle = try FileHandle(forWritingTo: target)
                try handle.seekToEnd()
                try handle.write(contentsOf: bytes[(i * chunkSize)..<min((i + 1) * chunkSize, bytes.count)])
                try handle.close()  // a close-write event after every chunk
                Thread.sleep(forTimeInterval: 0.4)
                if log.events.contains(where: { $0.event == .queued }) { early.append(i + 1) }
            }
            return early
        }
        #expect(early.isEmpty, "queued before the copy finished (after chunks \(early))")
        #expect(await waitUntil { !watch.log.finished("campaigns/summer/slow.jpg").isEmpty })
        await watch.shutdown()
        let done = watch.log.finished("campaigns/summer/slow.jpg")
        #expect(done.map(\.event) == [.ingested])
        let asset = try #require(try home.catalog.asset(id: done[0].assetId!))
        #expect(asset.byteSize == Int64(bytes.count))
        #expect(try home.catalog.folderPath(id: asset.folderId!) == "/incoming/campaigns/summer")
        #expect(try home.catalog.versions(assetId: asset.id!).count == 1)
        #expect(try assetCount(home) == 1)
    }

    @Test("duplicates are recognised, changed files become version 2, corrupt files are quarantined, files added while stopped are picked up")
    func lifecycle() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage([
            "a.jpg": "images/orientation-landscape-1.jpg",
            "sub/b.png": "images/sample.png",
            "broken.png": "malformed/broken.png",
            ".hidden.jpg": "images/orientation-landscape-2.jpg",
            "upload.jpg.part": "images/orientation-landscape-3.jpg",
        ], in: dir)
        // Arrived "while Stockroom was down": present before the first start.
        var watch = try RunningWatch(home: home, configuration: config(drop, settle: 0.5))
        #expect(await waitUntil { watch.log.finished("a.jpg").count == 1 && watch.log.finished("sub/b.png").count == 1 && watch.log.finished("broken.png").count == 1 })
        #expect(watch.log.finished("a.jpg").first?.event == .ingested)
        #expect(watch.log.finished("sub/b.png").first?.event == .ingested)
        let broken = try #require(watch.log.finished("broken.png").first)
        #expect(broken.event == .failed && broken.reason?.isEmpty == false)
        let quarantined = drop.appendingPathComponent(".stockroom-failed/broken.png")
        #expect(FileManager.default.fileExists(atPath: quarantined.path))
        #expect(!FileManager.default.fileExists(atPath: drop.appendingPathComponent("broken.png").path))
        let report = try JSONDecoder.stockroom.decode([String: String].self, from: Data(contentsOf: drop.appendingPathComponent(".stockroom-failed/broken.png.error.json")))
        #expect(report["stage"] == "extract" && report["reason"]?.isEmpty == false && report["failedAt"] != nil)
        #expect(try home.catalog.failures(includeResolved: false).first?.quarantinePath == quarantined.path)

        // A duplicate under another name, while running.
        try FileManager.default.copyItem(at: drop.appendingPathComponent("a.jpg"), to: drop.appendingPathComponent("copy-of-a.jpg"))
        #expect(await waitUntil { watch.log.finished("copy-of-a.jpg").count == 1 })
        #expect(watch.log.finished("copy-of-a.jpg").first?.event == .duplicate)
        await watch.shutdown()

        // While stopped: a.jpg changes, and a new file arrives.
        let originalAsset = try #require(watch.log.finished("a.jpg").first?.assetId)
        try FileManager.default.removeItem(at: drop.appendingPathComponent("a.jpg"))
        try FileManager.default.copyItem(at: Fixtures.corpusFile("images/orientation-landscape-5.jpg"), to: drop.appendingPathComponent("a.jpg"))
        try FileManager.default.copyItem(at: Fixtures.corpusFile("images/flower.webp"), to: drop.appendingPathComponent("sub/new.webp"))
        watch = try RunningWatch(home: home, configuration: config(drop, settle: 0.5))
        #expect(await waitUntil { watch.log.finished("a.jpg").count == 1 && watch.log.finished("sub/new.webp").count == 1 })
        await watch.shutdown()
        let changed = try #require(watch.log.finished("a.jpg").first)
        #expect(changed.event == .newVersion && changed.assetId == originalAsset && changed.versionNumber == 2)
        #expect(watch.log.finished("sub/new.webp").first?.event == .ingested)
        // Unchanged files were not handed over again, ignored files never.
        #expect(watch.log.finished("sub/b.png").isEmpty)
        #expect(!watch.log.events.contains { $0.file.contains("hidden") || $0.file.hasSuffix(".part") })
        let versions = try home.catalog.versions(assetId: originalAsset)
        #expect(versions.count == 2)
        let restored = try home.catalog.restoreVersion(assetId: originalAsset, versionNumber: 1, actor: "test", now: Date())
        #expect(restored.blobHash == versions[0].blobHash)
        #expect(try assetCount(home) == 3)
    }

    @Test("ingested files move to the processed folder; nothing is deleted")
    func processedFolder() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["x/a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        let done = dir.url.appendingPathComponent("done")
        let watch = try RunningWatch(home: home, configuration: config(drop, settle: 0.3, processed: done))
        #expect(await waitUntil { !watch.log.finished("x/a.jpg").isEmpty })
        await watch.shutdown()
        #expect(watch.log.finished("x/a.jpg").first?.movedTo == done.appendingPathComponent("x/a.jpg").path)
        #expect(FileManager.default.fileExists(atPath: done.appendingPathComponent("x/a.jpg").path))
        #expect(!FileManager.default.fileExists(atPath: drop.appendingPathComponent("x/a.jpg").path))
    }

    @Test("a watcher killed with SIGKILL during a batch and restarted leaves every file present exactly once")
    func sigkillDuringBatch() async throws {
        let binary = Fixtures.repoRoot.appendingPathComponent(".build/debug/stockroom")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the CLI first (swift build --build-tests)")
        let home = try Fixtures.home(in: dir)
        var files: [String: String] = [:]
        let sources = (1...8).map { "images/orientation-landscape-\($0).jpg" } + ["images/sample.png", "images/flower.webp", "images/cmyk.jpg", "images/exif-gps.jpg"]
        for (i, source) in sources.enumerated() { files["batch/\(i)-\((source as NSString).lastPathComponent)"] = source }
        let drop = try Fixtures.stage(files, in: dir)

        func start() throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["watch", drop.path, "--library", "test-library", "--settle", "0.2", "--workers", "2", "--json",
                                 "--home", home.root.path]
            var environment = ProcessInfo.processInfo.environment
            environment["STOCKROOM_PIPELINES"] = Fixtures.repoRoot.appendingPathComponent("Pipelines").path
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            return (process, pipe)
        }

        let (first, _) = try start()
        // Kill it once some, but not all, files are in the catalog.
        #expect(try await waitUntil { try assetCount(home) >= 2 })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let atKill = try assetCount(home)
        #expect(atKill < files.count, "the kill should land mid-batch")

        let (second, _) = try start()
        // Every file catalogued and every job done (a stop now would put renders in hand back
        // in the queue rather than wait for them).
        #expect(try await waitUntil(180) {
            let counts = try home.catalog.jobCounts(batchId: nil)
            return try assetCount(home) == files.count && (counts[.queued] ?? 0) == 0 && (counts[.running] ?? 0) == 0
        })
        // Let the restarted watcher settle, then stop it gracefully.
        try await Task.sleep(for: .seconds(1))
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()

        let (assets, versions, distinctPaths, distinctHashes) = try await home.sqliteCatalog!.database.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset_version")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT sourcePath) FROM asset")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT contentHash) FROM asset")!)
        }
        #expect(assets == files.count && versions == files.count && distinctPaths == files.count && distinctHashes == files.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: try #require(home.blobs as? DiskBlobStore).root.appendingPathComponent("tmp").path).isEmpty)
        let unfinished = try home.catalog.jobCounts(batchId: nil)
        #expect((unfinished[.queued] ?? 0) == 0 && (unfinished[.running] ?? 0) == 0 && (unfinished[.failed] ?? 0) == 0)
    }
}

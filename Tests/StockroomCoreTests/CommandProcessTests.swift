import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// A `stockroom` command run as a subprocess, as an operator or systemd runs it.
final class StockroomProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var outputText = ""
    private var errorText = ""
    private var exited: Date?

    convenience init(_ arguments: [String], home: DataHome, environment extra: [String: String] = [:]) throws {
        try self.init(arguments, homePath: home.root.path, environment: extra)
    }

    init(_ arguments: [String], homePath: String, environment extra: [String: String] = [:]) throws {
        process.executableURL = StockroomExecutable.url
        process.arguments = arguments + ["--home", homePath]
        var environment = ProcessInfo.processInfo.environment
        environment["STOCKROOM_PIPELINES"] = Fixtures.repoRoot.appendingPathComponent("Pipelines").path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        // Stamped on Foundation's own thread, so a busy cooperative pool does not delay it.
        process.terminationHandler = { [weak self] _ in
            self?.lock.withLock { self?.exited = Date() }
        }
        try process.run()
        // Each pipe is read to its end by a thread of its own with blocking reads. Not with
        // `readabilityHandler`: its dispatch sources on pipes crash libdispatch's event loop on
        // Linux now and then (`_dispatch_event_loop_drain`, swift-corelibs-foundation #3276),
        // which took the whole test process down once in CI.
        readToEnd(output.fileHandleForReading) { [weak self] text in self?.lock.withLock { self?.outputText += text } }
        readToEnd(errors.fileHandleForReading) { [weak self] text in self?.lock.withLock { self?.errorText += text } }
    }

    private func readToEnd(_ handle: FileHandle, _ append: @escaping @Sendable (String) -> Void) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                append(String(decoding: buffer[0..<count], as: UTF8.self))
            }
        }
    }

    /// When the process ended, as its termination was observed.
    var exitedAt: Date? { lock.withLock { exited } }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { lock.withLock { outputText } }
    var stderr: String { lock.withLock { errorText } }

    /// Waits up to `seconds` for the process to end; its exit status, or nil if it still runs.
    func waitForExit(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        try? await Task.sleep(for: .milliseconds(100))  // the last output
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

@Suite("The stockroom binary: containment and signals, run as a subprocess", .serialized)
struct CommandProcessTests {
    let dir = TemporaryDirectory()

    private func hookEnvironment() throws -> [String: String] {
        let state = dir.url.appendingPathComponent("hooks-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        return [MediaWorkerTestHook.environmentKey: state.path]
    }

    /// The newest job, or the one of `file`.
    private func job(_ home: DataHome, file: String? = nil) throws -> Job? {
        let jobs = try home.sqliteCatalog!.database.writer.read { db in try Job.order(Column("id").desc).fetchAll(db) }
        guard let file else { return jobs.first }
        return jobs.first { (try? $0.payload.decode(IngestPayload.self))?.relativePath == file }
    }

    @Test("every file of the shared corpus ends as an asset or a recorded failure; no process dies")
    func wholeCorpus() async throws {
        let home = try Fixtures.home(in: dir)
        let ingest = try StockroomProcess(["ingest", Corpus.root.path, "--library", "test-library", "--json", "--workers", "2"], home: home)
        let status = await ingest.waitForExit(seconds: 600)
        #expect(status == 0 || status == 3, "exit status \(String(describing: status)): \(ingest.stderr.suffix(2000))")
        let summary = try JSONDecoder.stockroom.decode(IngestSummary.self, from: Data(ingest.stdout.utf8))
        let files = try IngestService.sourceFiles([Corpus.root])
        #expect(summary.files.count == files.count)
        #expect(summary.pending == 0)
        #expect(summary.failed == (try home.catalog.failures(includeResolved: false).count))
        for file in summary.files where file.outcome == .failed {
            #expect(file.reason?.contains("\n") == false, "\(file.file): one line")
            #expect(file.reason?.contains("crashed") == false, "\(file.file): \(file.reason ?? "")")
        }
        let assets = try await home.sqliteCatalog!.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset")! }
        #expect(assets == summary.ingested)
    }

    @Test("ingest: a worker segfaulting and one killed from outside mid-job fail their files; the run goes on to exit 3")
    func ingestWithDyingWorkers() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "SIGSEGV", step: "render", to: drop.appendingPathComponent("a-segv.jpg"))
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-2.jpg", action: "stall", step: "render", to: drop.appendingPathComponent("b-stall.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("images/flower.webp"), to: drop.appendingPathComponent("c-fine.webp"))
        let ingest = try StockroomProcess(["ingest", drop.path, "--library", "test-library", "--json", "--workers", "1"],
                                          home: home, environment: try hookEnvironment())
        // SIGKILL the worker stuck on b-stall.jpg, on its first try and on the retry.
        var killed = Set<Int32>()
        var busySince: [Int32: Date] = [:]
        let finished = await waitUntil(120) {
            guard ingest.process.isRunning else { return true }
            guard let stalled = try? job(home, file: "b-stall.jpg"), stalled.status == .running, stalled.stage == .render else { return false }
            for pid in MediaWorkerFixtures.children(of: ingest.pid) where !killed.contains(pid) {
                let since = busySince[pid] ?? Date()
                busySince[pid] = since
                if Date().timeIntervalSince(since) > 1.5 {
                    kill(pid, SIGKILL)
                    killed.insert(pid)
                }
            }
            return false
        }
        #expect(finished)
        let status = await ingest.waitForExit(seconds: 60)
        #expect(status == 3, "\(ingest.stderr.suffix(2000))")
        let summary = try JSONDecoder.stockroom.decode(IngestSummary.self, from: Data(ingest.stdout.utf8))
        let byFile = Dictionary(uniqueKeysWithValues: summary.files.map { ($0.file, $0) })
        #expect(byFile["a-segv.jpg"]?.reason == "the image decoder (JPEG) crashed (SIGSEGV) while making the renditions (retried once)")
        #expect(byFile["b-stall.jpg"]?.reason == "the image decoder (JPEG) was killed (SIGKILL) while making the renditions (retried once)")
        #expect(byFile["c-fine.webp"]?.outcome == .ingested)
        #expect(killed.count == 2)
        let assets = try home.catalog.assets(libraryId: nil, limit: 10, offset: 0)
        #expect(assets.map(\.name) == ["c-fine.webp"])
        let blobRoot = try #require(home.blobs as? DiskBlobStore).root
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobRoot.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("an ingest stopped by SIGINT while a worker is busy exits 130 within 5 s and says what remains queued")
    func interruptedIngest() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "stall", step: "render", to: drop.appendingPathComponent("slow.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("images/flower.webp"), to: drop.appendingPathComponent("z-later.webp"))
        let ingest = try StockroomProcess(["ingest", drop.path, "--library", "test-library", "--workers", "1"],
                                          home: home, environment: try hookEnvironment())
        #expect(await waitUntil(60) { (try? job(home, file: "slow.jpg"))?.status == .running && (try? job(home, file: "slow.jpg"))?.stage == .render
            && !MediaWorkerFixtures.children(of: ingest.pid).isEmpty })
        try await Task.sleep(for: .milliseconds(300))
        let interrupted = Date()
        kill(ingest.pid, SIGINT)
        let status = await ingest.waitForExit(seconds: 30)
        #expect(status == 130, "\(ingest.stderr.suffix(1000))")
        #expect(try #require(ingest.exitedAt).timeIntervalSince(interrupted) < 5)
        #expect(ingest.stderr.contains("stopped: 2 files remain queued; run the same command again to resume"), "\(ingest.stderr.suffix(1000))")
        let jobs = try await home.sqliteCatalog!.database.writer.read { db in try Job.fetchAll(db) }
        #expect(jobs.allSatisfy { $0.status == .queued && $0.leaseOwner == nil }, "\(jobs.map { ($0.status, $0.attempts) })")
    }

    @Test("watch stops within 5 s on SIGTERM while idle, and while a worker is busy (the job goes back to the queue)")
    func watchStopsOnSIGTERM() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let arguments = ["watch", drop.path, "--library", "test-library", "--settle", "0.3", "--json", "--workers", "1"]

        let idle = try StockroomProcess(arguments, home: home)
        #expect(await waitUntil(30) { idle.stdout.contains("\"watching\"") })
        try await Task.sleep(for: .milliseconds(500))
        let idleStopped = Date()
        kill(idle.pid, SIGTERM)
        #expect(await idle.waitForExit(seconds: 30) == 0, "\(idle.stderr.suffix(1000))")
        #expect(try #require(idle.exitedAt).timeIntervalSince(idleStopped) < 5)

        let busy = try StockroomProcess(arguments, home: home, environment: try hookEnvironment())
        #expect(await waitUntil(30) { busy.stdout.contains("\"watching\"") })
        let staged = dir.url.appendingPathComponent("staged")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "stall", step: "render", to: staged.appendingPathComponent("slow.jpg"))
        try FileManager.default.moveItem(at: staged.appendingPathComponent("slow.jpg"), to: drop.appendingPathComponent("slow.jpg"))
        #expect(await waitUntil(60) { (try? job(home))?.status == .running && (try? job(home))?.stage == .render })
        try await Task.sleep(for: .milliseconds(500))
        let busyStopped = Date()
        kill(busy.pid, SIGTERM)
        #expect(await busy.waitForExit(seconds: 30) == 0, "\(busy.stderr.suffix(1000))")
        #expect(try #require(busy.exitedAt).timeIntervalSince(busyStopped) < 5)
        let released = try #require(try job(home))
        #expect(released.status == .queued && released.leaseOwner == nil && released.leaseExpiresAt == nil)
        #expect(MediaWorkerFixtures.children(of: busy.pid).isEmpty)
    }

    @Test("a file that takes the whole service down is set aside after three tries, not retried forever")
    func serviceCrashLoopEnds() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        _ = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "stall", step: "render", to: drop.appendingPathComponent("deadly.jpg"))
        let environment = try hookEnvironment()
        let arguments = ["ingest", drop.path, "--library", "test-library", "--json", "--workers", "1"]
        for round in 1...3 {
            let ingest = try StockroomProcess(arguments, home: home, environment: environment)
            #expect(await waitUntil(60) { (try? job(home))?.status == .running && (try? job(home))?.attempts == round
                && (try? job(home))?.stage == .render })
            // The service dies with the job in hand (as if the decoder had taken it down).
            kill(ingest.pid, SIGKILL)
            _ = await ingest.waitForExit(seconds: 10)
        }
        let last = try StockroomProcess(arguments, home: home, environment: environment)
        #expect(await last.waitForExit(seconds: 60) == 3, "\(last.stderr.suffix(1000))")
        let summary = try JSONDecoder.stockroom.decode(IngestSummary.self, from: Data(last.stdout.utf8))
        #expect(summary.failed == 1)
        #expect(summary.files.first?.reason?.hasPrefix("Stockroom stopped unexpectedly 3 times while working on this file (at the render stage)") == true,
                "\(summary.files.first?.reason ?? "")")
        #expect(try home.catalog.failures(includeResolved: false).count == 1)
        // The version stage had filed the asset before the render that never finished: taken back.
        #expect(try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).isEmpty)
        #expect(try home.catalog.jobCounts(batchId: nil) == [.failed: 1])
    }
}

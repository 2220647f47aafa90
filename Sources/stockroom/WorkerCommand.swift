import ArgumentParser
import Foundation
import Logging
import StockroomCore

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run pipeline jobs from the shared queue: a headless pipeline host.",
        discussion: """
        Claims jobs from the catalog's queue (on PostgreSQL, shared by every host), fetches each \
        original from the blob store into --scratch, runs the stages in supervised media worker \
        processes, writes the renditions back to the blob store and commits the catalog rows. It needs \
        no filesystem shared with any other host: the catalog and blobs come from stockroom.yml or \
        STOCKROOM_CATALOG / STOCKROOM_BLOBS. Idle workers wake when any host queues work (LISTEN/NOTIFY) \
        and take over the jobs of workers that died. SIGINT or SIGTERM stops it: the jobs in hand go back \
        to the queue. With --drain it exits once the queue has nothing queued or running. On exit the \
        scratch folder is emptied.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Worker threads (default: one per core).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "This host's working folder: the blob read cache and the media workers' scratch (default: HOME/worker-scratch).")
    var scratch: String?
    @Flag(help: "Exit when the queue has no queued or running job left.") var drain = false
    @Flag(help: "Print one JSON object per finished job.") var json = false
    @OptionGroup var media: MediaWorkerOptions

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be 1 or more") }
    }

    func run() async throws {
        let homeURL = global.homeURL
        let scratchURL = URL(fileURLWithPath: scratch ?? homeURL.appendingPathComponent("worker-scratch").path, isDirectory: true)
            .standardizedFileURL
        let tmp = scratchURL.appendingPathComponent("tmp", isDirectory: true)
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        // The media workers make their scratch directories under TMPDIR: keep them in ours.
        setenv("TMPDIR", tmp.path, 1)
        let home = try DataHome.open(at: homeURL, blobCacheRoot: scratchURL.appendingPathComponent("blob-cache", isDirectory: true))
        let pipeline = try makePipeline(home, media: media)
        let stop = StopSignal()
        let signals = StopOnSignals(stop, message: "Stopping the worker: the jobs in hand go back to the queue.")
        FileHandle.standardError.write(Data("worker \(LeaseOwner.current) ready: \(workers) threads, catalog \(home.catalog.backendName), scratch \(scratchURL.path)\n".utf8))
        let printer = WorkerEventPrinter(json: json)
        pipeline.prestart(workers: workers)
        await pipeline.runner.run(workers: workers, batchId: nil, untilDrained: drain, stop: stop, onEvent: printer.print)
        pipeline.shutdown()
        Self.empty(scratchURL)
        withExtendedLifetime(signals) {}
        if let signal = signals.received { throw stoppedExitCode(signal) }
    }

    /// Removes what this worker left in its scratch folder (cached originals, media scratch).
    static func empty(_ scratch: URL) {
        let fm = FileManager.default
        for item in (try? fm.contentsOfDirectory(at: scratch, includingPropertiesForKeys: nil)) ?? [] {
            try? fm.removeItem(at: item)
        }
    }
}

/// One line (or JSON object) per job a worker finished.
final class WorkerEventPrinter: Sendable {
    let json: Bool

    init(json: Bool) {
        self.json = json
    }

    struct Line: Encodable {
        var job: Int64
        var file: String?
        var outcome: String
        var assetId: Int64?
        var reason: String?
    }

    func print(_ event: PipelineEvent) {
        let line = Line(job: event.jobId, file: event.file, outcome: event.outcome.rawValue, assetId: event.assetId, reason: event.reason)
        let text: String
        if json {
            text = (try? String(decoding: JSONEncoder.stockroom.encode(line), as: UTF8.self)) ?? ""
        } else {
            text = "\(line.outcome): \(line.file ?? "job \(line.job)")" + (line.assetId.map { " (asset \($0))" } ?? "")
                + (line.reason.map { ": \($0)" } ?? "")
        }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

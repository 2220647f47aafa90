import ArgumentParser
import Foundation
import Logging
import StockroomCore
import StockroomMedia

/// Options of the commands that run the pipeline: the media workers' memory cap.
struct MediaWorkerOptions: ParsableArguments {
    @Option(name: .customLong("worker-memory"),
            help: "Memory cap of each media worker process, e.g. 2GiB or 768MiB (default: $STOCKROOM_WORKER_MEMORY, else 2GiB).")
    var workerMemory: String?

    func limits() throws -> MediaWorkerLimits {
        try MediaWorkerLimits.resolved(memory: workerMemory)
    }
}

/// The pipeline of one command, with the media worker pool it owns.
struct Pipeline {
    let runner: PipelineRunner
    let pool: MediaWorkerPool?

    /// Ends the media workers; every command calls this before it returns.
    func shutdown() {
        pool?.shutdown()
    }

    /// Starts one media worker per pipeline thread in the background.
    func prestart(workers: Int) {
        pool?.prestart(workers)
    }
}

/// Wires the pipeline for a command: catalog, blobs, pipeline definitions, and the contained
/// media engine (every file decoded in a `stockroom media-worker` process). `inProcess` keeps
/// decoding in this process; only the benchmark uses it, to measure what containment costs.
func makePipeline(_ home: DataHome, media: MediaWorkerOptions, inProcess: Bool = false,
                  logLevel: Logger.Level = .warning) throws -> Pipeline {
    var logger = Logger(label: "stockroom.pipeline")
    logger.logLevel = logLevel
    let pipelines = PipelineDirectory.standard(home: home.root)
    if inProcess {
        let runner = PipelineRunner(
            catalog: home.catalog, blobs: home.blobs, pipelines: pipelines,
            makeMediaEngine: { configuration throws(MediaError) in try LibMediaEngine(configuration: configuration) },
            logger: logger)
        return Pipeline(runner: runner, pool: nil)
    }
    var workerLogger = Logger(label: "stockroom.media-worker")
    workerLogger.logLevel = logLevel
    let pool = MediaWorkerPool(executable: MediaWorkerPool.currentExecutable, limits: try media.limits(), logger: workerLogger)
    // On PostgreSQL idle workers wait on the queue's notifications: another host's enqueue wakes them.
    var waitForWork: (@Sendable (TimeInterval) -> Void)?
    if let postgres = home.catalog as? PostgresCatalog {
        waitForWork = { seconds in _ = postgres.waitForJobs(timeout: seconds) }
    }
    let runner = PipelineRunner(
        catalog: home.catalog, blobs: home.blobs, pipelines: pipelines,
        makeMediaEngine: { configuration in ContainedMediaEngine(configuration: configuration, pool: pool) },
        logger: logger, interruptMediaWork: { pool.interrupt() },
        waitForWork: waitForWork)
    return Pipeline(runner: runner, pool: pool)
}

/// Runs a queued batch to the end with progress output, stopping gracefully on SIGINT/SIGTERM.
/// Returns the summary and the signal that stopped the run, if one did.
func runBatch(_ service: IngestService, batchId: String, total: Int, workers: Int, quiet: Bool) async throws -> (IngestSummary, stoppedBy: Int32?) {
    let progress = ProgressReporter(total: total, quiet: quiet)
    let stop = StopSignal()
    let signals = StopOnSignals(stop, message: "Stopping: the files in hand go back to the queue; run the same command again to resume.")
    let summary = try await service.run(batchId: batchId, workers: workers, stop: stop,
                                        onGridThumbnails: progress.gridThumbnailsMade, onEvent: progress.report)
    progress.finish()
    return (summary, signals.received)
}

/// The exit status of a run stopped by `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM).
func stoppedExitCode(_ signal: Int32) -> ExitCode {
    ExitCode(128 + signal)
}

/// Progress on a terminal: one rewritten line; elsewhere plain lines per file.
///
/// With thumbnails first a file is browsable (its grid thumbnails made) long before it is
/// complete, so the terminal line counts both: the bar is █ for complete files, ▒ for files with
/// their grid thumbnails and more to come.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    /// Jobs whose grid thumbnails were made ahead of their other renditions and that have not finished.
    private var gridOnly: Set<Int64> = []
    private var counts: [IngestOutcome: Int] = [:]
    private let isTTY = isatty(STDERR_FILENO) != 0
    private let quiet: Bool

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    /// A file's grid thumbnails are made; its job goes on later. Moves the terminal line only.
    func gridThumbnailsMade(_ event: PipelineEvent) {
        lock.withLock {
            gridOnly.insert(event.jobId)
            guard !quiet, isTTY else { return }
            FileHandle.standardError.write(Data(line().utf8))
        }
    }

    func report(_ event: PipelineEvent) {
        lock.withLock {
            if !event.willRetry {
                done += 1
                counts[event.outcome, default: 0] += 1
                gridOnly.remove(event.jobId)
            }
            guard !quiet else { return }
            let file = event.file ?? "job \(event.jobId)"
            if isTTY {
                if event.outcome == .failed {
                    FileHandle.standardError.write(Data("\r\u{1B}[Kfailed: \(file): \(event.reason ?? "")\n".utf8))
                }
                FileHandle.standardError.write(Data(line().utf8))
            } else {
                var line = "\(event.outcome.rawValue): \(file)"
                if let id = event.assetId { line += " (asset \(id)" + (event.versionNumber.map { ", version \($0)" } ?? "") + ")" }
                if let dup = event.duplicateOf, event.outcome == .duplicate { line += " (same content as asset \(dup))" }
                if let reason = event.reason { line += ": \(reason)" }
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
    }

    /// The rewritten terminal line; the caller holds the lock.
    private func line() -> String {
        let width = 28
        let complete = total > 0 ? min(width, done * width / total) : width
        let browsable = total > 0 ? min(width, (done + gridOnly.count) * width / total) : width
        let bar = String(repeating: "█", count: complete) + String(repeating: "▒", count: browsable - complete)
            + String(repeating: "░", count: width - browsable)
        return "\r\(bar) thumbnails \(done + gridOnly.count)/\(total) · complete \(done)/\(total)  ingested \(counts[.ingested] ?? 0) · duplicates \(counts[.duplicate] ?? 0) · versions \(counts[.newVersion] ?? 0) · failed \(counts[.failed] ?? 0)\u{1B}[K"
    }

    func finish() {
        if isTTY && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

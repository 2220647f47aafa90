import Foundation
import Logging
import StockroomCore
import StockroomMedia

/// Wires the pipeline for a command: catalog, blobs, pipeline definitions, the libvips engine.
func makePipelineRunner(_ home: DataHome, logLevel: Logger.Level = .warning) -> PipelineRunner {
    var logger = Logger(label: "stockroom.pipeline")
    logger.logLevel = logLevel
    return PipelineRunner(
        catalog: home.catalog, blobs: home.blobs, pipelines: PipelineDirectory.standard(home: home.root),
        makeMediaEngine: { configuration throws(MediaError) in try LibMediaEngine(configuration: configuration) },
        logger: logger)
}

/// Stops workers gracefully on SIGINT/SIGTERM: the job in hand finishes, the rest stay queued.
func installStopHandlers(_ stop: StopSignal) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { sig in
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
            FileHandle.standardError.write(Data("\nStopping after the files in hand; the rest stay queued and resume on the next run.\n".utf8))
            stop.stop()
        }
        source.resume()
        return source
    }
}

/// Runs a queued batch to the end with progress output, stopping gracefully on SIGINT/SIGTERM.
func runBatch(_ service: IngestService, batchId: String, total: Int, workers: Int, quiet: Bool) async throws -> IngestSummary {
    let progress = ProgressReporter(total: total, quiet: quiet)
    let stop = StopSignal()
    let handlers = installStopHandlers(stop)
    defer { withExtendedLifetime(handlers) {} }
    let summary = try await service.run(batchId: batchId, workers: workers, stop: stop, onEvent: progress.report)
    progress.finish()
    return summary
}

/// Progress on a terminal: one rewritten line; elsewhere plain lines per file.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    private var counts: [IngestOutcome: Int] = [:]
    private let isTTY = isatty(STDERR_FILENO) != 0
    private let quiet: Bool

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    func report(_ event: PipelineEvent) {
        lock.withLock {
            if !event.willRetry { done += 1; counts[event.outcome, default: 0] += 1 }
            guard !quiet else { return }
            let file = event.file ?? "job \(event.jobId)"
            if isTTY {
                let width = 28
                let filled = total > 0 ? min(width, done * width / total) : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let line = "\r\(bar) \(done)/\(total)  ingested \(counts[.ingested] ?? 0) · duplicates \(counts[.duplicate] ?? 0) · versions \(counts[.newVersion] ?? 0) · failed \(counts[.failed] ?? 0)\u{1B}[K"
                if event.outcome == .failed {
                    FileHandle.standardError.write(Data("\r\u{1B}[Kfailed: \(file): \(event.reason ?? "")\n".utf8))
                }
                FileHandle.standardError.write(Data(line.utf8))
            } else {
                var line = "\(event.outcome.rawValue): \(file)"
                if let id = event.assetId { line += " (asset \(id)" + (event.versionNumber.map { ", version \($0)" } ?? "") + ")" }
                if let dup = event.duplicateOf, event.outcome == .duplicate { line += " (same content as asset \(dup))" }
                if let reason = event.reason { line += ": \(reason)" }
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
    }

    func finish() {
        if isTTY && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

import ArgumentParser
import Foundation
import StockroomCore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest files and folders into a library through the full pipeline.",
        discussion: """
        Each file is stored (SHA-256, content-addressed), described (EXIF, XMP, IPTC, audio/video \
        streams), versioned and rendered. Folders keep their structure: DIR/campaigns/a.jpg lands in \
        /campaigns (below --folder). The same content twice is a duplicate (no second copy); the same \
        path with new content is a new version. Bad files are recorded with their reason (see \
        `stockroom failures list`) and the rest of the batch goes on. Files are decoded in supervised \
        media worker processes (--worker-memory caps each). Ctrl-C (SIGINT) or SIGTERM stops the run: \
        the files in hand go back to the queue and the same command resumes it. Exit status: 0 when \
        every file succeeded, 3 when some failed, 130/143 when stopped by SIGINT/SIGTERM, 1 on an \
        error that stopped the run.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Files or directories.") var paths: [String]
    @Option(help: "Library slug.") var library: String
    @Option(help: "Base folder in the library, e.g. /imports/2024.") var folder: String?
    @Option(help: "Worker threads (default: one per core).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print the summary as JSON (with per-file outcomes and reasons).") var json = false
    @Flag(name: .customLong("enqueue-only"),
          help: "Store the originals and queue their jobs, then return; `stockroom worker` hosts sharing the catalog do the rest.")
    var enqueueOnly = false
    @OptionGroup var media: MediaWorkerOptions
    /// Benchmarks only: decode in this process, to measure what containment costs.
    @Flag(name: .customLong("in-process-media"), help: .hidden) var inProcessMedia = false

    func run() async throws {
        let home = try global.openHome()
        let files = try IngestService.sourceFiles(paths.map { URL(fileURLWithPath: $0) })
        let pipeline = try makePipeline(home, media: media, inProcess: inProcessMedia)
        defer { pipeline.shutdown() }
        let service = IngestService(catalog: home.catalog, runner: pipeline.runner)
        let (batchId, jobs) = try service.enqueue(files, librarySlug: library, baseFolder: folder, actor: .cli, storingOriginals: enqueueOnly)
        if enqueueOnly {
            let queued = QueuedBatch(batchId: batchId, queued: jobs.count, stored: jobs.filter { $0.stage != .store }.count)
            if json { return try printJSON(queued) }
            print("queued \(queued.queued) files (batch \(batchId)); \(queued.stored) originals stored; workers do the rest")
            return
        }
        pipeline.prestart(workers: min(workers, jobs.count))
        let (summary, stoppedBy) = try await runBatch(service, batchId: batchId, total: jobs.count, workers: workers, quiet: json)
        await WebhookRunner.deliverPending(home)
        if json {
            try printJSON(summary)
        } else {
            var line = "ingested \(summary.ingested), duplicates \(summary.duplicates), versions \(summary.versions), failed \(summary.failed)"
            if summary.unchanged > 0 { line += ", unchanged \(summary.unchanged)" }
            if summary.pending > 0 { line += ", still queued \(summary.pending) (run again to resume)" }
            print(line)
            for file in summary.files where file.outcome == .failed {
                print("  failed: \(file.file) [\(file.stage?.rawValue.lowercased() ?? "?")]: \(file.reason ?? "unknown reason")")
            }
        }
        if let stoppedBy {
            FileHandle.standardError.write(Data("stopped: \(summary.pending) \(summary.pending == 1 ? "file remains" : "files remain") queued; run the same command again to resume\n".utf8))
            throw stoppedExitCode(stoppedBy)
        }
        if summary.failed > 0 { throw ExitCode(3) }
    }
}

/// What `ingest --enqueue-only --json` prints.
struct QueuedBatch: Codable {
    var batchId: String
    /// Jobs queued (files already queued by an earlier run count once).
    var queued: Int
    /// Originals now in the blob store, ready for any worker host.
    var stored: Int
}

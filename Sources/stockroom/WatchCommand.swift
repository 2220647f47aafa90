import ArgumentParser
import Foundation
import StockroomCore

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a drop folder and ingest what lands in it, until Ctrl-C (SIGINT) or SIGTERM.",
        discussion: """
        A file is ingested once it is complete: no write and no change of size or modification time \
        for --settle seconds. Subfolders map to library folders below --folder. Ingested files stay \
        where they are unless --processed is given; failed files move to --failed (default \
        DIR/.stockroom-failed) with NAME.error.json beside them. Temporary and system files (.part, \
        .crdownload, .tmp, ~$*, .DS_Store, ._*, Thumbs.db, hidden files) are ignored; NAME.xmp \
        sidecars are read with their file. A file a writer still holds open is not taken, however long \
        the writer pauses. Files are decoded in supervised media worker processes (--worker-memory caps \
        each). SIGINT or SIGTERM stops the watch within seconds: the jobs in hand go back to the queue. \
        Nothing is ever deleted.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The folder to watch.") var directory: String
    @Option(help: "Library slug.") var library: String
    @Option(help: "Base folder in the library.") var folder: String?
    @Option(help: "Move ingested files here (same relative path).") var processed: String?
    @Option(help: "Move failed files here (default: DIR/.stockroom-failed).") var failed: String?
    @Option(help: "Seconds a file must stay unchanged before it is ingested.") var settle: Double = 2
    @Option(help: "Seconds between full rescans (fallback for missed events).") var rescan: Double = 60
    @Option(help: "Worker threads (default: one per core).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print one JSON object per event.") var json = false
    @Flag(name: .customLong("enqueue-only"),
          help: "Store originals and queue jobs only; `stockroom worker` hosts sharing the catalog run them. Files are not moved.")
    var enqueueOnly = false
    @OptionGroup var media: MediaWorkerOptions

    func validate() throws {
        guard settle >= 0, rescan > 0 else { throw ValidationError("--settle must be 0 or more and --rescan above 0") }
    }

    func run() async throws {
        let home = try global.openHome()
        let configuration = WatchFolderConfiguration(path: directory, library: library, folder: folder, processed: processed,
                                                     failed: failed, settleSeconds: settle, rescanSeconds: rescan)
        let printer = WatchEventPrinter(json: json)
        let pipeline = try makePipeline(home, media: media)
        defer { pipeline.shutdown() }
        let service = try WatchService(configurations: [configuration], catalog: home.catalog, runner: pipeline.runner,
                                       workers: workers, enqueueOnly: enqueueOnly, onEvent: printer.print)
        let stop = StopSignal()
        let signals = StopOnSignals(stop, message: "Stopping the watch: the jobs in hand go back to the queue.")
        let webhooks = WebhookRunner.start(home, stop: stop)
        await service.run(stop: stop)
        await webhooks?.value
        withExtendedLifetime(signals) {}
    }
}

/// Prints watch events: a readable line each, or one JSON object per line.
final class WatchEventPrinter: Sendable {
    let json: Bool

    init(json: Bool) {
        self.json = json
    }

    func print(_ event: WatchEvent) {
        let line: String
        if json {
            line = (try? String(decoding: JSONEncoder.stockroom.encode(event), as: UTF8.self)) ?? ""
        } else {
            var text = "\(event.time.formatted(.iso8601))  \(event.event.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(event.file)"
            if let id = event.assetId { text += "  asset \(id)" }
            if let v = event.versionNumber, event.event == .newVersion { text += " v\(v)" }
            if let d = event.duplicateOf, event.event == .duplicate { text += "  same content as asset \(d)" }
            if let reason = event.reason { text += "  [\(event.stage ?? "?")] \(reason)" }
            if let moved = event.movedTo { text += "  → \(moved)" }
            line = text
        }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

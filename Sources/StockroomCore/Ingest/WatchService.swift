import Foundation
import Logging

/// Runs watch folders together with the pipeline workers that ingest what they find, until stopped.
/// Used by `stockroom watch` and by `stockroom serve` for the folders in `stockroom.yml`.
public struct WatchService: Sendable {
    public let folders: [WatchFolder]
    let runner: PipelineRunner
    let workers: Int
    /// Only store originals and queue jobs; `stockroom worker` hosts run them.
    let enqueueOnly: Bool

    public init(configurations: [WatchFolderConfiguration], catalog: any Catalog, runner: PipelineRunner, workers: Int,
                enqueueOnly: Bool = false, onEvent: @escaping @Sendable (WatchEvent) -> Void) throws(DomainError) {
        let ingest = IngestService(catalog: catalog, runner: runner)
        folders = try configurations.map { configuration throws(DomainError) in
            try WatchFolder(configuration: configuration, catalog: catalog, ingest: ingest, enqueueOnly: enqueueOnly, onEvent: onEvent)
        }
        self.runner = runner
        self.workers = workers
        self.enqueueOnly = enqueueOnly
    }

    /// Returns when `stop` is signalled and the jobs in hand are finished.
    public func run(stop: StopSignal) async {
        let folders = self.folders
        async let watching: Void = withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for folder in folders {
                group.enter()
                let thread = Thread {
                    do { try folder.run(stop: stop) } catch {
                        Logger(label: "stockroom.watch").error("watch folder stopped", metadata: ["folder": "\(folder.root.path)", "error": "\(error)"])
                    }
                    group.leave()
                }
                thread.name = "stockroom-watch"
                thread.start()
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
        if !enqueueOnly {
            await runner.run(workers: workers, batchId: nil, untilDrained: false, stop: stop) { event in
                for folder in folders where folder.batchId == event.batchId { folder.jobFinished(event) }
            }
        }
        await watching
    }
}

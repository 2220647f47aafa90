import ServiceLifecycle
import StockroomCore

/// The pipeline workers and the configured watch folders, run by the server's service group:
/// queued jobs (from `ingest` runs stopped midway, `render`, the API) are worked off, and files
/// dropped into watch folders are ingested. On graceful shutdown the jobs in hand finish first.
public struct PipelineService: Service {
    let watch: WatchService

    public init(watch: WatchService) {
        self.watch = watch
    }

    public func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await watch.run(stop: stop)
        } onGracefulShutdown: {
            stop.stop()
        }
    }
}

import ServiceLifecycle
import StockroomCore

/// Writes the share access log in batches beside the HTTP server; on graceful shutdown (after the
/// server has stopped taking requests) it writes what is left.
struct ShareAccessLogService: Service {
    let recorder: ShareAccessRecorder
    let work: BlockingWork

    func run() async throws {
        let stop = StopSignal()
        let work = self.work
        await withGracefulShutdownHandler {
            await recorder.run(isStopped: { stop.isStopped }) { flush in
                do { try await work.run(flush) } catch { flush() }
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }
}

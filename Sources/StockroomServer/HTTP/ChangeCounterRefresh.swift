import ServiceLifecycle
import StockroomCore

/// Keeps the catalog's change counter current while the server runs, by reading it on the
/// blocking pool a few times within its maximum age. The share-link fast path
/// (`ShareRenditionFastPath`) answers only while the counter is known to be current, and cannot
/// wait for a query on the event loop: without this it would answer only when requests come
/// faster than the counter ages (100 ms). Commits by this process still make the counter stale at
/// once (until the next read), and other processes' commits are still seen within its maximum age.
struct ChangeCounterRefresh: Service {
    let changes: CatalogChangeCounter
    let work: BlockingWork

    func run() async throws {
        let interval = changes.maxAge / 4
        let changes = self.changes
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await work.run { try changes.refresh() }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

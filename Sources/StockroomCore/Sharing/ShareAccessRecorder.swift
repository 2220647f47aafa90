import Foundation
import Logging

/// Gathers access-log rows and view/download counters while requests are served and writes them
/// in batches, so a response never waits for the catalog's writer.
///
/// `record` only appends under a lock. `run` flushes every `interval` until it is stopped, then
/// flushes what is left: on graceful shutdown nothing is lost. A failed write keeps the batch and tries again; past `capacity`
/// waiting rows the oldest are dropped with an error in the log rather than growing without bound.
public final class ShareAccessRecorder: @unchecked Sendable {
    let shares: any ShareLinkRepository
    public let interval: Duration
    public let capacity: Int
    let logger: Logger
    private var pending = ShareAccessBatch()
    private var dropped = 0
    private let lock = NSLock()
    /// Serialises flushes, so batches land in the order they were gathered.
    private let flushLock = NSLock()

    public init(shares: any ShareLinkRepository, interval: Duration = .milliseconds(200), capacity: Int = 200_000,
                logger: Logger = Logger(label: "stockroom.share-access")) {
        self.shares = shares
        self.interval = interval
        self.capacity = capacity
        self.logger = logger
    }

    /// Queues one row; `view` counts a page view on the link, `download` a download of the asset.
    public func record(_ event: ShareAccessEvent, countsView: Bool = false, countsDownloadOf assetIds: [Int64] = []) {
        lock.lock()
        pending.events.append(event)
        if countsView { pending.countView(linkId: event.shareLinkId, at: event.occurredAt) }
        for id in assetIds { pending.countDownload(assetId: id, at: event.occurredAt) }
        if pending.events.count > capacity {
            pending.events.removeFirst(pending.events.count - capacity)
            dropped += 1
        }
        lock.unlock()
    }

    /// Writes everything queued so far (blocking; the catalog's writer does the work).
    public func flush() {
        flushLock.lock()
        defer { flushLock.unlock() }
        lock.lock()
        let batch = pending
        pending = ShareAccessBatch()
        let lost = dropped
        dropped = 0
        lock.unlock()
        if lost > 0 { logger.error("share access log over capacity: oldest rows dropped", metadata: ["dropped": "\(lost)"]) }
        guard !batch.isEmpty else { return }
        do {
            try shares.recordShareAccess(batch)
        } catch {
            logger.error("share access log write failed; will retry", metadata: ["error": "\(error)", "rows": "\(batch.events.count)"])
            lock.lock()
            pending = Self.merge(batch, before: pending)
            lock.unlock()
        }
    }

    /// Flushes on a timer until `isStopped` says so, then once more. `flushing` runs each flush
    /// off the cooperative pool.
    public func run(isStopped: @escaping @Sendable () -> Bool, flushing: @escaping @Sendable (@escaping @Sendable () -> Void) async -> Void) async {
        let clock = ContinuousClock()
        // Stopped (graceful shutdown) or cancelled: either way, write what is left and return.
        let done = { isStopped() || Task.isCancelled }
        while !done() {
            // In short steps, so a stop is noticed at once whatever the interval.
            let due = clock.now + interval
            while !done(), clock.now < due { try? await Task.sleep(for: min(.milliseconds(50), due - clock.now)) }
            await flushing { self.flush() }
        }
        await flushing { self.flush() }
    }

    private static func merge(_ earlier: ShareAccessBatch, before later: ShareAccessBatch) -> ShareAccessBatch {
        var merged = earlier
        merged.events.append(contentsOf: later.events)
        for (id, tally) in later.linkViews {
            let old = merged.linkViews[id]
            merged.linkViews[id] = .init(count: (old?.count ?? 0) + tally.count, last: max(old?.last ?? tally.last, tally.last))
        }
        for (id, tally) in later.assetDownloads {
            let old = merged.assetDownloads[id]
            merged.assetDownloads[id] = .init(count: (old?.count ?? 0) + tally.count, last: max(old?.last ?? tally.last, tally.last))
        }
        return merged
    }
}

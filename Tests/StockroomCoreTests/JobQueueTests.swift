import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Durable job queue on SQLite")
struct JobQueueTests {
    let dir = TemporaryDirectory()

    private func job(_ key: String, batch: String) -> Job {
        Job(stage: .store, payload: .object(["libraryId": .number(1)]), dedupeKey: key, batchId: batch)
    }

    @Test("claims are exclusive leases in FIFO order", arguments: CatalogBackend.available)
    func exclusiveClaims(_ backend: CatalogBackend) throws {
        let home = try backend.initHome(at: dir.url)
        let queue = home.catalog
        _ = try queue.enqueue([job("a", batch: "b1"), job("b", batch: "b1")])
        let me = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier, nonce: "me")
        let first = try #require(try queue.claimJob(owner: .current, leaseSeconds: 60, batchId: "b1", now: Date()))
        let second = try #require(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b1", now: Date()))
        #expect(first.dedupeKey == "a" && second.dedupeKey == "b")
        #expect(first.status == .running && first.attempts == 1)
        #expect(try queue.claimJob(owner: .current, leaseSeconds: 60, batchId: "b1", now: Date()) == nil)
    }

    @Test("a live job with the same key is adopted by a new batch, not duplicated", arguments: CatalogBackend.available)
    func dedupeAdopts(_ backend: CatalogBackend) throws {
        let home = try backend.initHome(at: dir.url)
        _ = try home.catalog.enqueue([job("same", batch: "old")])
        let adopted = try home.catalog.enqueue([job("same", batch: "new")])
        #expect(adopted.count == 1 && adopted[0].batchId == "new")
        #expect(try home.catalog.jobs(batchId: "new").count == 1)
        #expect(try home.catalog.jobs(batchId: "old").isEmpty)
    }

    @Test("jobs of an expired lease or a dead process are reclaimed; live ones are not", arguments: CatalogBackend.available)
    func reclaim(_ backend: CatalogBackend) throws {
        let home = try backend.initHome(at: dir.url)
        let queue = home.catalog
        _ = try queue.enqueue([job("expired", batch: "b"), job("dead", batch: "b"), job("alive", batch: "b")])
        let now = Date()
        let stranger = LeaseOwner(host: "another-host", pid: 1, nonce: "x")
        _ = try queue.claimJob(owner: stranger, leaseSeconds: -1, batchId: "b", now: now)  // lease already over
        // A process id that cannot exist: the owner is dead.
        let dead = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: 999_999_9, nonce: "gone")
        _ = try queue.claimJob(owner: dead, leaseSeconds: 3600, batchId: "b", now: now)
        _ = try queue.claimJob(owner: stranger, leaseSeconds: 3600, batchId: "b", now: now)
        #expect(try queue.reclaimAbandonedJobs(now: now).requeued == 2)
        let byKey = Dictionary(uniqueKeysWithValues: try queue.jobs(batchId: "b").map { ($0.dedupeKey!, $0) })
        #expect(byKey["expired"]?.status == .queued)
        #expect(byKey["dead"]?.status == .queued)
        #expect(byKey["alive"]?.status == .running)
    }

    @Test("failed attempts back off and end FAILED after the limit", arguments: CatalogBackend.available)
    func retries(_ backend: CatalogBackend) throws {
        let home = try backend.initHome(at: dir.url)
        let queue = home.catalog
        var j = job("r", batch: "b")
        j.maxAttempts = 2
        _ = try queue.enqueue([j])
        let now = Date()
        let first = try #require(try queue.claimJob(owner: .current, leaseSeconds: 60, batchId: "b", now: now))
        #expect(try queue.retryOrFail(first, error: "disk full", delay: 30, now: now) == .queued)
        #expect(try queue.claimJob(owner: .current, leaseSeconds: 60, batchId: "b", now: now) == nil)  // backing off
        let second = try #require(try queue.claimJob(owner: .current, leaseSeconds: 60, batchId: "b", now: now.addingTimeInterval(31)))
        #expect(second.attempts == 2)
        #expect(try queue.retryOrFail(second, error: "disk full", delay: 30, now: now) == .failed)
        #expect(try queue.jobCounts(batchId: "b") == [.failed: 1])
        #expect(try queue.jobs(batchId: "b")[0].lastError == "disk full")
    }
}

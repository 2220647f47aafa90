import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// A job queue on the test PostgreSQL server (scripts/test-servers), in a schema of its own so
/// that tests running in parallel never see each other's jobs.
final class PostgresQueueFixture: @unchecked Sendable {
    let url: PostgresURL
    let schema = "t_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
    let admin: PostgresConnectionPool

    init() throws {
        let text = try #require(ServerEnvironment.postgresURL, Comment(rawValue: ServerEnvironment.missingPostgres))
        url = try PostgresURL(text)
        admin = PostgresConnectionPool(url: url, maxConnections: 1)
        try admin.createSchema(schema)
    }

    func pool(maxConnections: Int = 8) -> PostgresConnectionPool {
        PostgresConnectionPool(url: url, schema: schema, maxConnections: maxConnections)
    }

    func queue(maxConnections: Int = 8) throws -> PostgresJobQueue {
        try PostgresJobQueue(pool: pool(maxConnections: maxConnections))
    }

    deinit {
        try? admin.dropSchema(schema)
        admin.shutdown()
    }
}

/// The two queues, for the tests that hold for both.
enum QueueBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var available: [QueueBackend] { ServerEnvironment.runPostgresTests ? allCases : [.sqlite] }
}

final class QueueUnderTest: @unchecked Sendable {
    let queue: any JobQueue
    private let keepAlive: [AnyObject]

    init(_ backend: QueueBackend) throws {
        switch backend {
        case .sqlite:
            let dir = TemporaryDirectory()
            queue = try DataHome.initialize(at: dir.url, environment: [:]).catalog
            keepAlive = [dir]
        case .postgres:
            let fixture = try PostgresQueueFixture()
            queue = try fixture.queue()
            keepAlive = [fixture]
        }
    }
}

private func job(_ key: String?, batch: String, maxAttempts: Int = 3) -> Job {
    Job(stage: .store, payload: .object(["sourcePath": .string("/in/\(key ?? "x").jpg"), "libraryId": .number(1)]),
        dedupeKey: key, batchId: batch, maxAttempts: maxAttempts)
}

@Suite("Job queue contract, on SQLite and on PostgreSQL")
struct JobQueueContractTests {
    let me = LeaseOwner(host: "test-host", pid: Int32.max - 1, nonce: "me")
    let other = LeaseOwner(host: "other-host", pid: 1, nonce: "other")

    @Test("claims are exclusive leases in FIFO order, per batch", arguments: QueueBackend.available)
    func exclusiveFIFO(_ backend: QueueBackend) throws {
        let subject = try QueueUnderTest(backend)
        let queue = subject.queue
        defer { withExtendedLifetime(subject) {} }
        let stored = try queue.enqueue([job("a", batch: "b1"), job("b", batch: "b1"), job("c", batch: "b2")])
        let now = Date()
        #expect(stored.map(\.dedupeKey) == ["a", "b", "c"] && stored.allSatisfy { $0.id != nil && $0.status == .queued })
        let first = try #require(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b1", now: now))
        let second = try #require(try queue.claimJob(owner: other, leaseSeconds: 60, batchId: "b1", now: now))
        #expect(first.dedupeKey == "a" && second.dedupeKey == "b")
        #expect(first.status == .running && first.attempts == 1 && first.leaseOwner == me.description)
        #expect(abs((first.leaseExpiresAt ?? .distantPast).timeIntervalSince(now.addingTimeInterval(60))) < 0.01)
        #expect(first.payload == job("a", batch: "b1").payload)
        #expect(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b1", now: now) == nil)
        #expect(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: nil, now: now)?.dedupeKey == "c")
        #expect(try queue.jobCounts(batchId: "b1") == [.running: 2])
        #expect(try queue.jobCounts(batchId: nil) == [.running: 3])
        #expect(try queue.jobs(batchId: "b1").map(\.dedupeKey) == ["a", "b"])
    }

    @Test("a live job with the same key is adopted by a new batch; a finished one is not", arguments: QueueBackend.available)
    func dedupe(_ backend: QueueBackend) throws {
        let subject = try QueueUnderTest(backend)
        let queue = subject.queue
        defer { withExtendedLifetime(subject) {} }
        let original = try queue.enqueue([job("same", batch: "old")])[0]
        let adopted = try queue.enqueue([job("same", batch: "new")])[0]
        #expect(adopted.id == original.id && adopted.batchId == "new")
        #expect(try queue.jobs(batchId: "old").isEmpty)
        var claimed = try #require(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "new", now: Date()))
        claimed.stage = .render
        try queue.finish(claimed, status: .succeeded, error: nil, now: Date())
        let fresh = try queue.enqueue([job("same", batch: "again")])[0]
        #expect(fresh.id != original.id && fresh.status == .queued)
        #expect(try queue.jobCounts(batchId: nil) == [.succeeded: 1, .queued: 1])
        // Jobs without a key never collide.
        #expect(try queue.enqueue([job(nil, batch: "k"), job(nil, batch: "k")]).count == 2)
    }

    @Test("claims take the higher priority first, then the oldest; an adopted job keeps the higher priority", arguments: QueueBackend.available)
    func priorityOrder(_ backend: QueueBackend) throws {
        let subject = try QueueUnderTest(backend)
        let queue = subject.queue
        defer { withExtendedLifetime(subject) {} }
        var rest = job("rest-1", batch: "b")
        rest.priority = Job.remainingRenditionsPriority
        var rest2 = job("rest-2", batch: "b")
        rest2.priority = Job.remainingRenditionsPriority
        let stored = try queue.enqueue([rest, job("new-1", batch: "b"), rest2, job("new-2", batch: "b")])
        #expect(stored.map(\.priority) == [-10, 0, -10, 0])
        // Re-queued by a command at normal priority: the live low-priority job is adopted and moves up.
        let adopted = try queue.enqueue([job("rest-2", batch: "b")])[0]
        #expect(adopted.id == stored[2].id && adopted.priority == Job.normalPriority)
        var order: [String] = []
        while let claimed = try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b", now: Date()) { order.append(claimed.dedupeKey ?? "") }
        #expect(order == ["new-1", "rest-2", "new-2", "rest-1"])
    }

    @Test("a failed attempt waits out its delay, and fails for good after maxAttempts", arguments: QueueBackend.available)
    func retries(_ backend: QueueBackend) throws {
        let subject = try QueueUnderTest(backend)
        let queue = subject.queue
        defer { withExtendedLifetime(subject) {} }
        _ = try queue.enqueue([job("r", batch: "b", maxAttempts: 2)])
        let t0 = Date()
        let attempt1 = try #require(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b", now: t0))
        #expect(try queue.retryOrFail(attempt1, error: "decoder crashed", delay: 30, now: t0) == .queued)
        #expect(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b", now: t0.addingTimeInterval(29)) == nil)
        let attempt2 = try #require(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b", now: t0.addingTimeInterval(31)))
        #expect(attempt2.attempts == 2 && attempt2.lastError == "decoder crashed")
        #expect(try queue.retryOrFail(attempt2, error: "decoder crashed again", delay: 30, now: t0.addingTimeInterval(32)) == .failed)
        let failed = try #require(try queue.jobs(batchId: "b").first)
        #expect(failed.status == .failed && failed.lastError == "decoder crashed again" && failed.leaseOwner == nil)
        #expect(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "b", now: t0.addingTimeInterval(3600)) == nil)
    }

    @Test("progress renews the lease and keeps the next stage; an expired lease is reclaimed", arguments: QueueBackend.available)
    func progressAndReclaim(_ backend: QueueBackend) throws {
        let subject = try QueueUnderTest(backend)
        let queue = subject.queue
        defer { withExtendedLifetime(subject) {} }
        _ = try queue.enqueue([job("p", batch: "b")])
        let t0 = Date()
        var claimed = try #require(try queue.claimJob(owner: me, leaseSeconds: 10, batchId: "b", now: t0))
        claimed.stage = .extract
        claimed.payload = .object(["blob": .string("abc")])
        claimed.assetId = nil
        try queue.saveProgress(claimed, leaseSeconds: 10, now: t0.addingTimeInterval(8))
        #expect(try queue.reclaimAbandonedJobs(now: t0.addingTimeInterval(15)).count == 0)  // renewed until t0+18
        #expect(try queue.reclaimAbandonedJobs(now: t0.addingTimeInterval(19)).count == 1)
        let again = try #require(try queue.claimJob(owner: other, leaseSeconds: 10, batchId: "b", now: t0.addingTimeInterval(20)))
        #expect(again.stage == .extract && again.payload == .object(["blob": .string("abc")]) && again.attempts == 2)
    }
}

@Suite("Job queue on PostgreSQL", .enabled(if: ServerEnvironment.runPostgresTests))
struct PostgresJobQueueTests {
    let me = LeaseOwner(host: "test-host", pid: Int32.max - 1, nonce: "me")
    let other = LeaseOwner(host: "other-host", pid: 1, nonce: "other")

    @Test("migrations run once, even when several workers start together")
    func migrations() throws {
        let fixture = try PostgresQueueFixture()
        let results = ThreadSafeBox<[Result<Void, DomainError>]>([])
        let threads = (0..<4).map { _ in
            Thread {
                let outcome = Result { () throws(DomainError) in _ = try PostgresJobQueue(pool: fixture.pool(maxConnections: 2)) }
                results.mutate { $0.append(outcome) }
            }
        }
        threads.forEach { $0.start() }
        while results.value.count < 4 { Thread.sleep(forTimeInterval: 0.02) }
        for result in results.value { #expect(throws: Never.self) { try result.get() } }
        let pool = fixture.pool()
        #expect(try PostgresMigrator.appliedMigrations(pool) == ["job-queue-v1", "job-queue-v2-priority", "job-queue-v3-webhook-stage"])
        #expect(try PostgresJobQueueMigrations.migrator.migrate(pool).isEmpty)
    }

    @Test("eight claimers on one queue claim every job exactly once")
    func concurrentClaims() throws {
        let fixture = try PostgresQueueFixture()
        let queue = try fixture.queue(maxConnections: 8)
        _ = try queue.enqueue((0..<400).map { job("c\($0)", batch: "load") })
        let claimed = ThreadSafeBox<[Int64]>([])
        let finished = ThreadSafeBox(0)
        for claimer in 0..<8 {
            Thread {
                let owner = LeaseOwner(host: "bench", pid: Int32(claimer), nonce: "c\(claimer)")
                while let job = try? queue.claimJob(owner: owner, leaseSeconds: 60, batchId: "load", now: Date()) {
                    claimed.mutate { $0.append(job.id!) }
                    try? queue.finish(job, status: .succeeded, error: nil, now: Date())
                }
                finished.mutate { $0 += 1 }
            }.start()
        }
        while finished.value < 8 { Thread.sleep(forTimeInterval: 0.02) }
        #expect(claimed.value.count == 400)
        #expect(Set(claimed.value).count == 400)
        #expect(try queue.jobCounts(batchId: "load") == [.succeeded: 400])
    }

    @Test("a dead worker's job comes back at once; at its last attempt the death fails it")
    func reclaimDeadWorkers() throws {
        let fixture = try PostgresQueueFixture()
        let queue = try fixture.queue()
        _ = try queue.enqueue([job("dies", batch: "b", maxAttempts: 2), job("lives", batch: "b")])
        let t0 = Date()
        // A process of this host that has exited: its lease is void before it expires.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let dead = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: exited.processIdentifier, nonce: "dead")
        let first = try #require(try queue.claimJob(owner: dead, leaseSeconds: 3600, batchId: "b", now: t0))
        let alive = try #require(try queue.claimJob(owner: me, leaseSeconds: 3600, batchId: "b", now: t0))
        #expect(first.dedupeKey == "dies" && alive.dedupeKey == "lives")
        #expect(try queue.reclaimAbandonedJobs(now: t0.addingTimeInterval(1)).count == 1)
        // The second attempt's worker dies too: two attempts used, the job fails with the reason.
        let second = try #require(try queue.claimJob(owner: dead, leaseSeconds: 3600, batchId: "b", now: t0.addingTimeInterval(2)))
        #expect(second.id == first.id && second.attempts == 2)
        #expect(try queue.reclaimAbandonedJobs(now: t0.addingTimeInterval(3)).count == 1)
        let failed = try #require(try queue.jobs(batchId: "b").first { $0.id == first.id })
        #expect(failed.status == .failed)
        #expect(failed.lastError == "the worker \(dead) stopped during attempt 2 of 2")
        #expect(try queue.jobs(batchId: "b").first { $0.id == alive.id }?.status == .running)
    }

    @Test("a worker whose lease was taken over cannot overwrite the new owner's work")
    func leaseFencing() throws {
        let fixture = try PostgresQueueFixture()
        let queue = try fixture.queue()
        _ = try queue.enqueue([job("fenced", batch: "b")])
        let t0 = Date()
        let stale = try #require(try queue.claimJob(owner: me, leaseSeconds: 5, batchId: "b", now: t0))
        #expect(try queue.reclaimAbandonedJobs(now: t0.addingTimeInterval(6)).count == 1)
        let current = try #require(try queue.claimJob(owner: other, leaseSeconds: 60, batchId: "b", now: t0.addingTimeInterval(7)))
        let lost = DomainError.conflict("job \(stale.id!) is no longer leased to \(me): it was reclaimed or finished elsewhere")
        #expect(throws: lost) { try queue.finish(stale, status: .succeeded, error: nil, now: t0.addingTimeInterval(8)) }
        #expect(throws: lost) { try queue.saveProgress(stale, leaseSeconds: 5, now: t0.addingTimeInterval(8)) }
        #expect(throws: lost) { try queue.retryOrFail(stale, error: "x", delay: 1, now: t0.addingTimeInterval(8)) }
        try queue.finish(current, status: .succeeded, error: nil, now: t0.addingTimeInterval(9))
        #expect(try queue.jobCounts(batchId: "b") == [.succeeded: 1])
    }

    @Test("an idle worker wakes on NOTIFY when a job is enqueued, and times out when none is")
    func listenNotify() throws {
        let fixture = try PostgresQueueFixture()
        let queue = try fixture.queue()
        let enqueuer = try fixture.queue()
        try queue.startListening()
        #expect(queue.waitForJobs(timeout: 0.3) == false)
        let woke = ThreadSafeBox<Bool?>(nil)
        Thread { woke.mutate { $0 = queue.waitForJobs(timeout: 30) } }.start()
        Thread.sleep(forTimeInterval: 0.2)
        _ = try enqueuer.enqueue([job("wake", batch: "n")])
        let deadline = Date().addingTimeInterval(30)
        while woke.value == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(woke.value == true)
        #expect(try queue.claimJob(owner: me, leaseSeconds: 60, batchId: "n", now: Date())?.dedupeKey == "wake")
    }

    @Test("a wrong password and an unreachable server are one clear line each")
    func connectionErrors() throws {
        var url = try PostgresURL(try #require(ServerEnvironment.postgresURL))
        url.password = "not-the-password"
        #expect(throws: DomainError.self) { try PostgresJobQueue(url: url) }
        do {
            _ = try PostgresJobQueue(url: url)
        } catch {
            #expect(error.description.hasPrefix("PostgreSQL at \(url) refused the login"))
            #expect(!error.description.contains("not-the-password"))
        }
        let nowhere = PostgresURL(user: "u", password: "p", host: "127.0.0.1", port: 1, database: "x")
        do {
            _ = try PostgresJobQueue(url: nowhere)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.description.hasPrefix("PostgreSQL at \(nowhere) is unreachable"))
        }
    }
}

/// A value shared between test threads.
final class ThreadSafeBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

private extension ReclaimedJobs {
    /// Jobs requeued or failed by one reclaim.
    var count: Int { requeued + failed.count }
}

import Foundation
import NIOConcurrencyHelpers
import PostgresNIO

/// The durable job queue on PostgreSQL, shared by every host of a deployment.
///
/// - Claims take the runnable job of the highest priority, the oldest of those, with `FOR UPDATE SKIP LOCKED`, in one statement, so any
///   number of claimers on any number of hosts never wait on each other's rows.
/// - A claim leases the job to its owner (`host:pid:nonce`) until an expiry that `saveProgress`
///   renews. Progress, finishing and retrying are fenced by the lease: a worker whose job was
///   reclaimed meanwhile gets `DomainError.conflict` instead of overwriting the new owner's work.
/// - `reclaimAbandonedJobs` requeues running jobs whose lease expired or whose owner is a dead
///   process on this host. The attempt that died counts: a job already at `maxAttempts` fails
///   ("the worker … stopped") instead of crashing workers forever.
/// - Retry rules are the SQLite queue's: a failed attempt goes back after `delay` while
///   `attempts < maxAttempts`, else the job fails; a live job with the same `dedupeKey` is adopted
///   into the new batch instead of duplicated.
/// - Enqueueing and requeueing `NOTIFY stockroom_jobs` (`stockroom_jobs_SCHEMA` for a catalog in
///   a schema of its own: notifications are database-wide, and another home's work must not wake
///   this one's workers); `waitForJobs(timeout:)` blocks on a `LISTEN` connection, so idle
///   workers wake as soon as there is work.
public final class PostgresJobQueue: JobQueue, @unchecked Sendable {
    public let pool: PostgresConnectionPool
    /// The notification channel of this queue.
    public let channel: String

    /// Opens the queue and applies its migrations.
    public init(pool: PostgresConnectionPool) throws(DomainError) {
        self.pool = pool
        // LISTEN takes the channel as an identifier, so the schema must be a plain one; a channel
        // name has at most 63 bytes, and a shared prefix only costs a spurious wake-up.
        if let schema = pool.schema {
            channel = "stockroom_jobs_\(try PostgresConnectionPool.identifier(schema).prefix(48))"
        } else {
            channel = "stockroom_jobs"
        }
        try PostgresJobQueueMigrations.migrator.migrate(pool)
    }

    public convenience init(url: PostgresURL, maxConnections: Int = 8) throws(DomainError) {
        try self.init(pool: PostgresConnectionPool(url: url, maxConnections: maxConnections))
    }

    /// The columns of `Job`, in the order `job(from:)` decodes them.
    static let columns = """
        id, organization_id, stage, status, payload::text, asset_id, dedupe_key, batch_id, attempts, max_attempts, \
        run_after, lease_owner, lease_expires_at, last_error, created_at, updated_at, priority
        """

    static func job(from row: PostgresRow) throws(DomainError) -> Job {
        do {
            let (id, organization, stage, status, payload, assetId, dedupeKey, batchId, attempts, maxAttempts,
                 runAfter, leaseOwner, leaseExpiresAt, lastError, createdAt, updatedAt, priority) =
                try row.decode((Int64, String, String, String, String, Int64?, String?, String?, Int, Int,
                                Date, String?, Date?, String?, Date, Date, Int).self)
            guard let stage = PipelineStage(rawValue: stage), let status = JobStatus(rawValue: status) else {
                throw DomainError.storage("job \(id) has an unknown stage or status: \(stage) \(status)")
            }
            var job = Job(id: id, organizationId: organization, stage: stage, payload: try JSONDecoder().decode(JSONValue.self, from: Data(payload.utf8)),
                          assetId: assetId, dedupeKey: dedupeKey, batchId: batchId, maxAttempts: maxAttempts, priority: priority, now: createdAt)
            job.status = status
            job.attempts = attempts
            job.runAfter = runAfter
            job.leaseOwner = leaseOwner
            job.leaseExpiresAt = leaseExpiresAt
            job.lastError = lastError
            job.updatedAt = updatedAt
            return job
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("PostgreSQL: unreadable job row: \(error)")
        }
    }

    static func payloadText(_ payload: JSONValue) throws(DomainError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        } catch {
            throw .invalidArgument("job payload is not JSON: \(error)")
        }
    }

    private func jobs(_ query: PostgresQuery, on connection: PostgresConnection) throws(DomainError) -> [Job] {
        var jobs: [Job] = []
        for row in try pool.run(query, on: connection).rows { jobs.append(try Self.job(from: row)) }
        return jobs
    }

    private func jobs(_ query: PostgresQuery) throws(DomainError) -> [Job] {
        try pool.withConnection { connection throws(DomainError) in try jobs(query, on: connection) }
    }

    // MARK: JobQueue

    public func enqueue(_ jobs: [Job]) throws(DomainError) -> [Job] {
        guard !jobs.isEmpty else { return [] }
        return try pool.transaction { connection throws(DomainError) -> [Job] in
            var stored: [Job] = []
            for job in jobs {
                let payload = try Self.payloadText(job.payload)
                // A live job with the same key is adopted into this batch; the partial unique
                // index is the arbiter, so two hosts enqueueing the same file race safely.
                let query: PostgresQuery = """
                    INSERT INTO job (organization_id, stage, status, payload, asset_id, dedupe_key, batch_id, attempts,
                                     max_attempts, run_after, created_at, updated_at, priority)
                    VALUES (\(job.organizationId), \(job.stage.rawValue), 'QUEUED', \(payload)::jsonb, \(job.assetId),
                            \(job.dedupeKey), \(job.batchId), 0, \(job.maxAttempts), \(job.runAfter), \(job.createdAt), \(job.updatedAt),
                            \(job.priority))
                    ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('QUEUED', 'RUNNING')
                    DO UPDATE SET batch_id = EXCLUDED.batch_id, priority = greatest(job.priority, EXCLUDED.priority)
                    RETURNING \(unescaped: Self.columns)
                    """
                stored += try self.jobs(query, on: connection)
            }
            try pool.run("SELECT pg_notify(\(channel), '')", on: connection)
            return stored
        }
    }

    /// The ingest-failure row and the taking back of a render's version are the catalog's part
    /// of a reclaim; this queue returns the jobs it failed so the caller can do them.
    public func reclaimAbandonedJobs(now: Date) throws(DomainError) -> ReclaimedJobs {
        try pool.withConnection { connection throws(DomainError) -> ReclaimedJobs in
            // Owners on this host that have died are known at once; others only by their lease.
            var dead: [Int64] = []
            let running = try pool.run("SELECT id, lease_owner FROM job WHERE status = 'RUNNING' AND lease_expires_at >= \(now)", on: connection)
            for row in running.rows {
                guard let (id, owner) = try? row.decode((Int64, String?).self) else { continue }
                if owner.flatMap(LeaseOwner.init(parsing:))?.isDeadLocalProcess ?? true { dead.append(id) }
            }
            let query: PostgresQuery = """
                UPDATE job SET
                  status = CASE WHEN attempts >= max_attempts THEN 'FAILED' ELSE 'QUEUED' END,
                  last_error = CASE WHEN stage = 'WEBHOOK' THEN 'the webhook dispatcher' ELSE 'the worker ' || coalesce(lease_owner, '?') END
                               || ' stopped during attempt ' || attempts || ' of ' || max_attempts,
                  lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
                WHERE status = 'RUNNING' AND (lease_expires_at < \(now) OR id = ANY(\(dead)))
                RETURNING \(unescaped: Self.columns)
                """
            let changed = try jobs(query, on: connection)
            var reclaimed = ReclaimedJobs()
            reclaimed.requeued = changed.filter { $0.status == .queued }.count
            // A delivery out of attempts fails as a delivery: no file to set aside, no ingest failure.
            reclaimed.failed = changed.filter { $0.status == .failed && $0.stage != .webhook }
            if reclaimed.requeued > 0 {
                try pool.run("SELECT pg_notify(\(channel), '')", on: connection)
            }
            return reclaimed
        }
    }

    public func releaseJob(_ job: Job, now: Date) throws(DomainError) {
        let id = try Self.id(of: job)
        let updated = try pool.run("""
            UPDATE job SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL,
                           attempts = greatest(0, attempts - 1), run_after = \(now), updated_at = \(now)
            WHERE id = \(id) AND status = 'RUNNING' AND lease_owner = \(job.leaseOwner)
            """)
        _ = updated
        try pool.run("SELECT pg_notify(\(channel), '')")
    }

    public func claimJob(owner: LeaseOwner, leaseSeconds: Double, batchId: String?, now: Date) throws(DomainError) -> Job? {
        let expires = now.addingTimeInterval(leaseSeconds)
        let query: PostgresQuery = """
            UPDATE job SET status = 'RUNNING', lease_owner = \(owner.description), lease_expires_at = \(expires),
                           attempts = attempts + 1, updated_at = \(now)
            WHERE id = (
              SELECT id FROM job
              WHERE status = 'QUEUED' AND run_after <= \(now) AND stage <> 'WEBHOOK' AND (\(batchId)::text IS NULL OR batch_id = \(batchId))
              ORDER BY priority DESC, id
              FOR UPDATE SKIP LOCKED
              LIMIT 1
            )
            RETURNING \(unescaped: Self.columns)
            """
        return try jobs(query).first
    }

    public func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws(DomainError) {
        let id = try Self.id(of: job)
        let payload = try Self.payloadText(job.payload)
        let updated = try pool.run("""
            UPDATE job SET stage = \(job.stage.rawValue), payload = \(payload)::jsonb, asset_id = \(job.assetId),
                           lease_expires_at = \(now.addingTimeInterval(leaseSeconds)), updated_at = \(now)
            WHERE id = \(id) AND status = 'RUNNING' AND lease_owner = \(job.leaseOwner)
            """)
        try Self.requireLease(updated, job)
    }

    public func finish(_ job: Job, status: JobStatus, error: String?, now: Date) throws(DomainError) {
        let id = try Self.id(of: job)
        let payload = try Self.payloadText(job.payload)
        let updated = try pool.run("""
            UPDATE job SET status = \(status.rawValue), stage = \(job.stage.rawValue), payload = \(payload)::jsonb,
                           asset_id = \(job.assetId), last_error = coalesce(\(error), last_error),
                           lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
            WHERE id = \(id) AND status = 'RUNNING' AND lease_owner = \(job.leaseOwner)
            """)
        try Self.requireLease(updated, job)
    }

    public func retryOrFail(_ job: Job, error: String, delay: Double, now: Date) throws(DomainError) -> JobStatus {
        let id = try Self.id(of: job)
        return try pool.withConnection { connection throws(DomainError) -> JobStatus in
            let result = try pool.run("""
                UPDATE job SET last_error = \(error), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                  status = CASE WHEN attempts < max_attempts THEN 'QUEUED' ELSE 'FAILED' END,
                  run_after = CASE WHEN attempts < max_attempts THEN \(now.addingTimeInterval(delay)) ELSE run_after END
                WHERE id = \(id) AND status = 'RUNNING' AND lease_owner = \(job.leaseOwner)
                RETURNING status
                """, on: connection)
            guard let row = result.rows.first, let text = try? row.decode(String.self), let status = JobStatus(rawValue: text) else {
                throw Self.leaseLost(job)
            }
            if status == .queued { try pool.run("SELECT pg_notify(\(channel), '')", on: connection) }
            return status
        }
    }

    public func jobCounts(batchId: String?) throws(DomainError) -> [JobStatus: Int] {
        let rows = try pool.run("""
            SELECT status, count(*) FROM job WHERE (\(batchId)::text IS NULL AND stage <> 'WEBHOOK') OR batch_id = \(batchId) GROUP BY status
            """).rows
        var counts: [JobStatus: Int] = [:]
        for row in rows {
            if let (status, count) = try? row.decode((String, Int).self), let key = JobStatus(rawValue: status) { counts[key] = count }
        }
        return counts
    }

    public func jobs(batchId: String) throws(DomainError) -> [Job] {
        try jobs("SELECT \(unescaped: Self.columns) FROM job WHERE batch_id = \(batchId) ORDER BY id")
    }

    // MARK: Webhook deliveries

    /// Claims the oldest due delivery, or one whose dispatcher's lease ran out.
    public func claimWebhookJob(owner: LeaseOwner, leaseSeconds: Double, now: Date) throws(DomainError) -> Job? {
        let expires = now.addingTimeInterval(leaseSeconds)
        return try jobs("""
            UPDATE job SET status = 'RUNNING', lease_owner = \(owner.description), lease_expires_at = \(expires),
                           attempts = attempts + 1, updated_at = \(now)
            WHERE id = (
              SELECT id FROM job
              WHERE stage = 'WEBHOOK' AND ((status = 'QUEUED' AND run_after <= \(now)) OR (status = 'RUNNING' AND lease_expires_at < \(now)))
              ORDER BY id
              FOR UPDATE SKIP LOCKED
              LIMIT 1
            )
            RETURNING \(unescaped: Self.columns)
            """).first
    }

    public func webhookJobs(limit: Int) throws(DomainError) -> [Job] {
        try jobs("SELECT \(unescaped: Self.columns) FROM job WHERE stage = 'WEBHOOK' ORDER BY id LIMIT \(limit)")
    }

    // MARK: Waking idle workers

    private let listenerLock = NIOLock()
    private var listener: PostgresConnection?
    private let signal = NSCondition()
    private var notifications = 0

    /// Blocks until a job is enqueued or requeued (a `NOTIFY` on `stockroom_jobs`), or `timeout`
    /// passes; returns whether a notification arrived. Workers poll `claimJob` after it either
    /// way, so a lost notification (a dropped connection) costs at most one timeout.
    @discardableResult
    public func waitForJobs(timeout: TimeInterval) -> Bool {
        let before = signal.withLock { notifications }
        if (try? startListening()) == nil {
            Thread.sleep(forTimeInterval: min(timeout, 1))
            return false
        }
        let deadline = Date().addingTimeInterval(timeout)
        signal.lock()
        defer { signal.unlock() }
        while notifications == before {
            if !signal.wait(until: deadline) { return false }
        }
        return true
    }

    /// Opens the LISTEN connection, once; reopens it when it dropped.
    func startListening() throws(DomainError) {
        listenerLock.lock()
        defer { listenerLock.unlock() }
        if let listener, !listener.isClosed { return }
        let connection = try pool.connect()
        connection.addListener(channel: channel) { [weak self] _, _ in
            guard let self else { return }
            self.signal.withLock {
                self.notifications += 1
                self.signal.broadcast()
            }
        }
        try pool.run("LISTEN \(unescaped: channel)", on: connection)
        listener = connection
    }

    deinit {
        if let listener { _ = PostgresConnectionPool.close(listener) }
    }

    // MARK: Helpers

    private static func id(of job: Job) throws(DomainError) -> Int64 {
        guard let id = job.id else { throw .invalidArgument("a job without an id was never enqueued") }
        return id
    }

    private static func requireLease(_ result: PostgresQueryResult, _ job: Job) throws(DomainError) {
        if (result.metadata.rows ?? 0) == 0 { throw leaseLost(job) }
    }

    private static func leaseLost(_ job: Job) -> DomainError {
        .conflict("job \(job.id.map(String.init) ?? "?") is no longer leased to \(job.leaseOwner ?? "this worker"): it was reclaimed or finished elsewhere")
    }
}

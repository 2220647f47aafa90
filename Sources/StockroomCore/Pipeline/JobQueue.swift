import Foundation

/// Identifies the process holding a job's lease: `host:pid:nonce`. A lease held by a process
/// that no longer exists on this host is reclaimed at once; others when the lease expires.
public struct LeaseOwner: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let pid: Int32
    public let nonce: String

    public static let current = LeaseOwner(
        host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier,
        nonce: String(UUID().uuidString.prefix(8))
    )

    public var description: String { "\(host):\(pid):\(nonce)" }

    public init(host: String, pid: Int32, nonce: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]) else { return nil }
        self.init(host: parts.dropLast(2).joined(separator: ":"), pid: pid, nonce: String(parts.last!))
    }

    /// Whether this owner is a process of this host that has died.
    public var isDeadLocalProcess: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return false }
        if self == LeaseOwner.current { return false }
        if pid == ProcessInfo.processInfo.processIdentifier { return true }  // an earlier run reusing our pid
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

/// The durable job queue. Claims are exclusive leases; finishing a stage and advancing the job
/// happen in the same transaction as the stage's catalog writes, so a crash never half-applies one.
public protocol JobQueue: Sendable {
    /// Adds jobs. Where a live (queued or running) job has the same `dedupeKey`, that job is moved
    /// into the new job's batch instead (keeping the higher of the two priorities), so re-running
    /// an interrupted ingest resumes it.
    func enqueue(_ jobs: [Job]) throws(DomainError) -> [Job]
    /// Requeues running jobs whose lease expired or whose owner process died. The claim that
    /// lost them counted as an attempt: a job with none left fails for good (with an ingest
    /// failure row), so even a crash of the whole process cannot loop on one file.
    func reclaimAbandonedJobs(now: Date) throws(DomainError) -> ReclaimedJobs
    /// Puts a job in hand back in the queue because the run is stopping; it does not count as
    /// an attempt.
    func releaseJob(_ job: Job, now: Date) throws(DomainError)
    /// Claims the runnable job (of `batchId` if given) of the highest `priority`, the oldest of
    /// those, leasing it to `owner`.
    func claimJob(owner: LeaseOwner, leaseSeconds: Double, batchId: String?, now: Date) throws(DomainError) -> Job?
    /// Saves a job's progress (its next stage and payload) and renews the lease.
    func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws(DomainError)
    /// Ends a job: succeeded, or failed for good.
    func finish(_ job: Job, status: JobStatus, error: String?, now: Date) throws(DomainError)
    /// Puts a failed attempt back in the queue after `delay`, or fails it when attempts are used up.
    func retryOrFail(_ job: Job, error: String, delay: Double, now: Date) throws(DomainError) -> JobStatus
    /// Number of jobs by status (of a batch, or all).
    func jobCounts(batchId: String?) throws(DomainError) -> [JobStatus: Int]
    func jobs(batchId: String) throws(DomainError) -> [Job]
}

/// What `reclaimAbandonedJobs` did.
public struct ReclaimedJobs: Sendable, Equatable {
    /// Jobs put back in the queue.
    public var requeued = 0
    /// Jobs that had used up their attempts and are now FAILED.
    public var failed: [Job] = []

    public init() {}
}

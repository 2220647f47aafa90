import Foundation

/// The job queue is `PostgresJobQueue`'s; the catalog adds what a reclaim means for the files
/// (an ingest-failure row, a render's version taken back) and the stage writes' job updates,
/// made inside the stage's own transaction.
extension PostgresCatalog: JobQueue {
    public func enqueue(_ jobs: [Job]) throws(DomainError) -> [Job] { try queue.enqueue(jobs) }

    public func reclaimAbandonedJobs(now: Date) throws(DomainError) -> ReclaimedJobs {
        var reclaimed = try queue.reclaimAbandonedJobs(now: now)
        for index in reclaimed.failed.indices {
            reclaimed.failed[index] = try write { tx throws(DomainError) -> Job in
                var job = reclaimed.failed[index]
                // Once its grid thumbnails are made the asset stays, and the rest shows FAILED.
                if job.stage == .render { try Self.takeBackVersion(tx, of: &job, now: now) }
                if job.stage == .render, let assetId = job.assetId {
                    try Self.failPendingRenditions(tx, assetId: assetId, reason: job.repeatedDeathReason, now: now)
                }
                let failure = try tx.insert(job.setAsideAfterRepeatedDeaths(now: now), into: "ingest_failure")
                try tx.execute("UPDATE job SET payload = ?::jsonb, asset_id = ?, last_error = ? WHERE id = ?",
                               [try PostgresJobQueue.payloadText(job.payload), job.assetId, job.lastError, job.id])
                try tx.logActivity(.ingestFailed(failure, now: now))
                return job
            }
        }
        return reclaimed
    }

    public func releaseJob(_ job: Job, now: Date) throws(DomainError) { try queue.releaseJob(job, now: now) }

    public func claimJob(owner: LeaseOwner, leaseSeconds: Double, batchId: String?, now: Date) throws(DomainError) -> Job? {
        try queue.claimJob(owner: owner, leaseSeconds: leaseSeconds, batchId: batchId, now: now)
    }

    public func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws(DomainError) {
        try queue.saveProgress(job, leaseSeconds: leaseSeconds, now: now)
    }

    public func finish(_ job: Job, status: JobStatus, error: String?, now: Date) throws(DomainError) {
        try queue.finish(job, status: status, error: error, now: now)
    }

    public func retryOrFail(_ job: Job, error: String, delay: Double, now: Date) throws(DomainError) -> JobStatus {
        try queue.retryOrFail(job, error: error, delay: delay, now: now)
    }

    public func jobCounts(batchId: String?) throws(DomainError) -> [JobStatus: Int] { try queue.jobCounts(batchId: batchId) }

    public func jobs(batchId: String) throws(DomainError) -> [Job] { try queue.jobs(batchId: batchId) }

    // MARK: Inside a stage's transaction

    /// `saveProgress` on the stage's connection; a job no longer leased to its worker aborts
    /// the whole stage (its catalog writes roll back with it).
    static func saveProgress(_ tx: PostgresTransaction, _ job: Job, leaseSeconds: Double, now: Date) throws(DomainError) {
        let changed = try tx.execute("""
            UPDATE job SET stage = ?, payload = ?::jsonb, asset_id = ?, lease_expires_at = ?, updated_at = ?
            WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?
            """, [job.stage.rawValue, try PostgresJobQueue.payloadText(job.payload), job.assetId, now.addingTimeInterval(leaseSeconds), now,
                  job.id, job.leaseOwner])
        if changed == 0 { throw leaseLost(job) }
    }

    static func finish(_ tx: PostgresTransaction, _ job: Job, status: JobStatus, error: String?, now: Date) throws(DomainError) {
        let changed = try tx.execute("""
            UPDATE job SET status = ?, stage = ?, payload = ?::jsonb, asset_id = ?, last_error = coalesce(?, last_error),
                           lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
            WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?
            """, [status.rawValue, job.stage.rawValue, try PostgresJobQueue.payloadText(job.payload), job.assetId, error, now,
                  job.id, job.leaseOwner])
        if changed == 0 { throw leaseLost(job) }
    }

    static func leaseLost(_ job: Job) -> DomainError {
        .conflict("job \(job.id.map(String.init) ?? "?") is no longer leased to \(job.leaseOwner ?? "this worker"): it was reclaimed or finished elsewhere")
    }
}

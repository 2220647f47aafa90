import Foundation
import GRDB

extension SQLiteCatalog: JobQueue {
    public func enqueue(_ jobs: [Job]) throws(DomainError) -> [Job] {
        try write { db in
            var inserted: [Job] = []
            for var job in jobs {
                if let key = job.dedupeKey,
                   var live = try Job.fetchOne(db, sql: "SELECT * FROM job WHERE dedupeKey = ? AND status IN ('QUEUED','RUNNING')", arguments: [key]) {
                    // The same work is already queued (e.g. by a run that was killed): adopt it into this
                    // batch, at the more urgent of the two priorities.
                    if live.batchId != job.batchId || live.priority < job.priority {
                        live.batchId = job.batchId
                        live.priority = max(live.priority, job.priority)
                        try live.update(db)
                    }
                    inserted.append(live)
                    continue
                }
                try job.insert(db)
                inserted.append(job)
            }
            return inserted
        }
    }

    public func reclaimAbandonedJobs(now: Date) throws(DomainError) -> ReclaimedJobs {
        try write { db in
            let running = try Job.filter(Job.Columns.status == JobStatus.running).fetchAll(db)
            var reclaimed = ReclaimedJobs()
            for var job in running {
                let expired = (job.leaseExpiresAt ?? .distantPast) < now
                let ownerDead = job.leaseOwner.flatMap(LeaseOwner.init(parsing:))?.isDeadLocalProcess ?? true
                guard expired || ownerDead else { continue }
                job.leaseOwner = nil
                job.leaseExpiresAt = nil
                job.updatedAt = now
                // Every claim counted an attempt; a job whose process died on every one of them
                // is set aside, or a file that takes the whole process down would do so forever.
                if job.attempts >= job.maxAttempts, job.stage == .webhook {
                    // A delivery whose dispatcher died on its last attempt: it fails like any
                    // delivery out of attempts (not pipeline work: no file to set aside, no event).
                    job.status = .failed
                    job.lastError = "the webhook dispatcher stopped during attempt \(job.attempts) of \(job.maxAttempts)"
                    try job.update(db)
                } else if job.attempts >= job.maxAttempts {
                    // A render that never finished: what the version stage filed is taken back,
                    // as for any file nothing could be rendered from.
                    // Once its grid thumbnails are made the asset stays, and the rest shows FAILED.
                    if job.stage == .render { try Self.takeBackVersion(db, of: &job, now: now) }
                    if job.stage == .render, let assetId = job.assetId {
                        try Self.failPendingRenditions(db, assetId: assetId, reason: job.repeatedDeathReason, now: now)
                    }
                    var failure = job.setAsideAfterRepeatedDeaths(now: now)
                    try job.update(db)
                    try failure.insert(db)
                    try Self.logActivity(db, .ingestFailed(failure, now: now))
                    reclaimed.failed.append(job)
                } else {
                    job.status = .queued
                    try job.update(db)
                    reclaimed.requeued += 1
                }
            }
            return reclaimed
        }
    }

    public func releaseJob(_ job: Job, now: Date) throws(DomainError) {
        try write { db in
            var job = job
            job.status = .queued
            job.leaseOwner = nil
            job.leaseExpiresAt = nil
            job.attempts = max(0, job.attempts - 1)
            job.runAfter = now
            job.updatedAt = now
            try job.update(db)
        }
    }

    public func claimJob(owner: LeaseOwner, leaseSeconds: Double, batchId: String?, now: Date) throws(DomainError) -> Job? {
        try write { db in
            // Webhook deliveries share the queue but have their own dispatcher (`claimWebhookJob`).
            var request = Job.filter(Job.Columns.status == JobStatus.queued && Job.Columns.runAfter <= now
                && Job.Columns.stage != PipelineStage.webhook)
            if let batchId { request = request.filter(Job.Columns.batchId == batchId) }
            guard var job = try request.order(Job.Columns.priority.desc, Column("id")).fetchOne(db) else { return nil }
            job.status = .running
            job.leaseOwner = owner.description
            job.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
            job.attempts += 1
            job.updatedAt = now
            try job.update(db)
            return job
        }
    }

    public func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws(DomainError) {
        try write { db in try Self.saveProgress(db, job, leaseSeconds: leaseSeconds, now: now) }
    }

    static func saveProgress(_ db: Database, _ job: Job, leaseSeconds: Double, now: Date) throws {
        var job = job
        job.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
        job.updatedAt = now
        try job.update(db)
    }

    public func finish(_ job: Job, status: JobStatus, error: String?, now: Date) throws(DomainError) {
        try write { db in try Self.finish(db, job, status: status, error: error, now: now) }
    }

    static func finish(_ db: Database, _ job: Job, status: JobStatus, error: String?, now: Date) throws {
        var job = job
        job.status = status
        job.lastError = error ?? job.lastError
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        job.updatedAt = now
        try job.update(db)
    }

    public func retryOrFail(_ job: Job, error: String, delay: Double, now: Date) throws(DomainError) -> JobStatus {
        try write { db in
            var job = job
            job.lastError = error
            job.leaseOwner = nil
            job.leaseExpiresAt = nil
            job.updatedAt = now
            if job.attempts < job.maxAttempts {
                job.status = .queued
                job.runAfter = now.addingTimeInterval(delay)
            } else {
                job.status = .failed
            }
            try job.update(db)
            return job.status
        }
    }

    public func jobCounts(batchId: String?) throws(DomainError) -> [JobStatus: Int] {
        try read { db in
            var sql = "SELECT status, COUNT(*) FROM job"
            var arguments: StatementArguments = []
            if let batchId {
                sql += " WHERE batchId = ?"
                arguments = [batchId]
            } else {
                sql += " WHERE stage != 'WEBHOOK'"
            }
            sql += " GROUP BY status"
            var counts: [JobStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                if let status = JobStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    public func jobs(batchId: String) throws(DomainError) -> [Job] {
        try read { db in try Job.filter(Job.Columns.batchId == batchId).order(Column("id")).fetchAll(db) }
    }
}

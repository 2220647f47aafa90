import Foundation
import GRDB

extension SQLiteCatalog: WebhookQueue {
    public func registerWebhookEndpoints(_ ids: [String], now: Date) throws(DomainError) {
        guard !ids.isEmpty else { return }
        try write { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM activity") ?? 0
            for id in ids {
                try db.execute(sql: "INSERT OR IGNORE INTO webhook_cursor (endpointId, activityId, updatedAt) VALUES (?, ?, ?)",
                               arguments: [id, newest, now])
            }
        }
    }

    public func queueWebhookDeliveries(for configuration: WebhookConfiguration, limit: Int, now: Date) throws(DomainError) -> Int {
        guard !configuration.endpoints.isEmpty else { return 0 }
        return try write { db in
            var queued = 0
            for endpoint in configuration.endpoints {
                guard let cursor = try Int64.fetchOne(db, sql: "SELECT activityId FROM webhook_cursor WHERE endpointId = ?",
                                                      arguments: [endpoint.id]) else { continue }
                let entries = try Activity.fetchAll(db, sql: "SELECT * FROM activity WHERE id > ? ORDER BY id LIMIT ?",
                                                    arguments: [cursor, limit])
                guard let last = entries.last?.id else { continue }
                for entry in entries {
                    guard let event = WebhookEvent(rawValue: entry.action), endpoint.events.contains(event) else { continue }
                    let body = try JSONEncoder.stockroom.encode(WebhookPayload(activity: entry, data: try Self.webhookData(db, entry)))
                    let delivery = WebhookDelivery(endpointId: endpoint.id, url: endpoint.url.absoluteString, event: event,
                                                   activityId: entry.id!, body: String(decoding: body, as: UTF8.self))
                    var job = Job(organizationId: entry.organizationId, stage: .webhook, payload: try JSONValue.encoding(delivery),
                                  dedupeKey: "webhook:\(endpoint.id):\(entry.id!)", maxAttempts: endpoint.maxAttempts, now: now)
                    try job.insert(db, onConflict: .ignore)
                    queued += 1
                }
                try db.execute(sql: "UPDATE webhook_cursor SET activityId = ?, updatedAt = ? WHERE endpointId = ?",
                               arguments: [last, now, endpoint.id])
            }
            return queued
        }
    }

    /// The entry's metadata, and for an asset a summary of it as it is now.
    static func webhookData(_ db: Database, _ entry: Activity) throws -> JSONValue {
        var asset: Asset?
        if entry.entityType == "asset", let id = Int64(entry.entityId) { asset = try Asset.fetchOne(db, key: id) }
        return WebhookPayload.data(of: entry, asset: asset)
    }

    public func claimWebhookJob(owner: LeaseOwner, leaseSeconds: Double, now: Date) throws(DomainError) -> Job? {
        try write { db in
            // A delivery whose dispatcher died is taken over once its lease has run out.
            let request = Job.filter(Job.Columns.stage == PipelineStage.webhook
                && ((Job.Columns.status == JobStatus.queued && Job.Columns.runAfter <= now)
                    || (Job.Columns.status == JobStatus.running && Job.Columns.leaseExpiresAt < now)))
            guard var job = try request.order(Column("id")).fetchOne(db) else { return nil }
            job.status = .running
            job.leaseOwner = owner.description
            job.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
            job.attempts += 1
            job.updatedAt = now
            try job.update(db)
            return job
        }
    }

    public func webhookJobs(limit: Int) throws(DomainError) -> [Job] {
        try read { db in
            try Job.filter(Job.Columns.stage == PipelineStage.webhook).order(Column("id")).limit(limit).fetchAll(db)
        }
    }
}

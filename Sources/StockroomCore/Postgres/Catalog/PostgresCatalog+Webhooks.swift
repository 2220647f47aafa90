import Foundation

// Webhooks on PostgreSQL, as on SQLite: each endpoint reads the activity log past its position
// and a delivery job (stage WEBHOOK, in the shared job table) is queued per entry of an event it
// wants, in one transaction with the position's advance. Any host may run a dispatcher: the
// position's row is locked while it is read and moved, the dedupe key keeps a delivery single,
// and claims skip each other's rows. Positions are (transaction, id) pairs, read only behind
// every running transaction (catalog-v7-webhooks explains why).
extension PostgresCatalog: WebhookQueue {
    public func registerWebhookEndpoints(_ ids: [String], now: Date) throws(DomainError) {
        guard !ids.isEmpty else { return }
        try write { tx throws(DomainError) in
            for id in ids {
                try tx.execute("""
                    INSERT INTO webhook_cursor (endpoint_id, xact_id, activity_id, start_snapshot, updated_at)
                    VALUES (?, pg_snapshot_xmin(pg_current_snapshot()), 0, pg_current_snapshot(), ?) ON CONFLICT DO NOTHING
                    """, [id, now])
            }
        }
    }

    public func queueWebhookDeliveries(for configuration: WebhookConfiguration, limit: Int, now: Date) throws(DomainError) -> Int {
        guard !configuration.endpoints.isEmpty else { return 0 }
        return try write { tx throws(DomainError) in
            var queued = 0
            for endpoint in configuration.endpoints {
                guard try tx.scalar(Int64.self, "SELECT activity_id FROM webhook_cursor WHERE endpoint_id = ? FOR UPDATE", [endpoint.id]) != nil else {
                    continue
                }
                let entries = try tx.records(Activity.self, """
                    SELECT row_to_json(t)::text FROM activity t, webhook_cursor c
                    WHERE c.endpoint_id = ? AND (t.xact_id, t.id) > (c.xact_id, c.activity_id)
                      AND t.xact_id < pg_snapshot_xmin(pg_current_snapshot())
                      AND NOT pg_visible_in_snapshot(t.xact_id, c.start_snapshot)
                    ORDER BY t.xact_id, t.id LIMIT ?
                    """, [endpoint.id, limit])
                guard let last = entries.last?.id else { continue }
                for entry in entries {
                    guard let event = WebhookEvent(rawValue: entry.action), endpoint.events.contains(event) else { continue }
                    let delivery = WebhookDelivery(endpointId: endpoint.id, url: endpoint.url.absoluteString, event: event, activityId: entry.id!,
                                                   body: try Self.webhookBody(tx, entry))
                    let job = Job(organizationId: entry.organizationId, stage: .webhook, payload: try Self.jsonValue(delivery),
                                  dedupeKey: "webhook:\(endpoint.id):\(entry.id!)", maxAttempts: endpoint.maxAttempts, now: now)
                    try tx.execute("""
                        INSERT INTO job (organization_id, stage, status, payload, dedupe_key, attempts, max_attempts, run_after,
                                         created_at, updated_at, priority)
                        VALUES (?, 'WEBHOOK', 'QUEUED', ?::jsonb, ?, 0, ?, ?, ?, ?, 0)
                        ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('QUEUED', 'RUNNING') DO NOTHING
                        """, [job.organizationId, try PostgresJobQueue.payloadText(job.payload), job.dedupeKey, job.maxAttempts,
                              job.runAfter, job.createdAt, job.updatedAt])
                    queued += 1
                }
                try tx.execute("""
                    UPDATE webhook_cursor SET (xact_id, activity_id) = (SELECT xact_id, id FROM activity WHERE id = ?), updated_at = ?
                    WHERE endpoint_id = ?
                    """, [last, now, endpoint.id])
            }
            return queued
        }
    }

    /// The delivery's body: the entry, and for an asset a summary of it as it is now.
    static func webhookBody(_ tx: PostgresTransaction, _ entry: Activity) throws(DomainError) -> String {
        var asset: Asset?
        if entry.entityType == "asset", let id = Int64(entry.entityId) { asset = try tx.record(Asset.self, from: "asset", id: id) }
        let payload = WebhookPayload(activity: entry, data: WebhookPayload.data(of: entry, asset: asset))
        do { return String(decoding: try JSONEncoder.stockroom.encode(payload), as: UTF8.self) } catch {
            throw .invalidArgument("cannot encode the webhook body of activity \(entry.id ?? 0): \(error)")
        }
    }

    public func claimWebhookJob(owner: LeaseOwner, leaseSeconds: Double, now: Date) throws(DomainError) -> Job? {
        try queue.claimWebhookJob(owner: owner, leaseSeconds: leaseSeconds, now: now)
    }

    public func webhookJobs(limit: Int) throws(DomainError) -> [Job] { try queue.webhookJobs(limit: limit) }
}

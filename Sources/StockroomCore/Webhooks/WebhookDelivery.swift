import Foundation

/// One webhook job's payload: where it goes and the exact body sent on every attempt (built
/// when the job is queued, so retries send the same bytes; the secret stays in stockroom.yml).
public struct WebhookDelivery: Codable, Sendable, Equatable {
    public var endpointId: String
    public var url: String
    public var event: WebhookEvent
    /// The activity entry the delivery reports; also its `X-Stockroom-Delivery` id.
    public var activityId: Int64
    public var body: String

    public init(endpointId: String, url: String, event: WebhookEvent, activityId: Int64, body: String) {
        self.endpointId = endpointId
        self.url = url
        self.event = event
        self.activityId = activityId
        self.body = body
    }
}

/// The JSON body of a delivery:
///
/// ```json
/// {"id": "1234", "event": "comment.created", "occurredAt": "2026-05-01T10:00:00Z",
///  "actor": {"type": "client", "name": "Ana"}, "entity": {"type": "asset", "id": "12", "title": "Harbour"},
///  "description": "Commented on Harbour: …", "data": {"commentId": 7, "content": "…", "annotation": {…}, "shareLinkId": 3, …}}
/// ```
///
/// `data` is the activity entry's metadata; for an asset it also holds `asset` (id, name, type,
/// library, MIME type, size, status, dimensions, duration).
public struct WebhookPayload: Codable, Sendable, Equatable {
    public struct Party: Codable, Sendable, Equatable {
        public var type: String
        public var name: String
    }

    public struct Entity: Codable, Sendable, Equatable {
        public var type: String
        public var id: String
        public var title: String
    }

    public var id: String
    public var event: String
    public var occurredAt: Date
    public var actor: Party
    public var entity: Entity
    public var description: String?
    public var data: JSONValue

    public init(activity: Activity, data: JSONValue) {
        id = String(activity.id ?? 0)
        event = activity.action
        occurredAt = activity.occurredAt
        actor = Party(type: activity.actorType, name: activity.actorName)
        entity = Entity(type: activity.entityType, id: activity.entityId, title: activity.entityTitle)
        description = activity.description
        self.data = data
    }
}

extension WebhookPayload {
    /// `data` of a delivery: the entry's metadata, and for an asset (`asset`, as it is now) its
    /// id, name, type, library, status, MIME type, size, dimensions and duration.
    static func data(of entry: Activity, asset: Asset?) -> JSONValue {
        var data: [String: JSONValue] = [:]
        if case let .object(metadata)? = entry.metadata { data = metadata }
        if let asset, let id = asset.id {
            var summary: [String: JSONValue] = [
                "id": .number(Double(id)), "name": .string(asset.name), "assetType": .string(asset.assetType.rawValue),
                "libraryId": .number(Double(asset.libraryId)), "status": .string(asset.status.rawValue),
            ]
            if let mime = asset.mimeType { summary["mimeType"] = .string(mime) }
            if let size = asset.byteSize { summary["byteSize"] = .number(Double(size)) }
            if let width = asset.width { summary["width"] = .number(Double(width)) }
            if let height = asset.height { summary["height"] = .number(Double(height)) }
            if let duration = asset.durationSeconds { summary["durationSeconds"] = .number(duration) }
            data["asset"] = .object(summary)
        }
        return .object(data)
    }
}

/// The outbox side of webhooks: the activity log is read past each endpoint's position and a
/// delivery job is queued for every entry of an event the endpoint wants.
public protocol WebhookQueue: Sendable {
    /// Gives endpoints seen for the first time a read position after the newest activity entry:
    /// an endpoint receives the events from the moment it was configured on.
    func registerWebhookEndpoints(_ ids: [String], now: Date) throws(DomainError)
    /// Queues deliveries for up to `limit` new activity entries per endpoint and advances the
    /// positions, in one transaction; returns how many jobs it queued.
    func queueWebhookDeliveries(for configuration: WebhookConfiguration, limit: Int, now: Date) throws(DomainError) -> Int
    /// Claims the oldest due delivery (or one whose lease expired).
    func claimWebhookJob(owner: LeaseOwner, leaseSeconds: Double, now: Date) throws(DomainError) -> Job?
    /// Delivery jobs in id order, newest last (for status output and tests).
    func webhookJobs(limit: Int) throws(DomainError) -> [Job]
}

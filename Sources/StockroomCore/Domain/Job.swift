import Foundation

/// A unit of durable pipeline work. Jobs are claimed with a lease; a job whose worker died is
/// reclaimed once its lease expires, so work survives crashes.
public struct Job: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var stage: PipelineStage
    public var status: JobStatus
    /// Stage input (source path, library, folder…) as JSON.
    public var payload: JSONValue
    public var assetId: Int64?
    /// Optional key that makes enqueueing idempotent (one live job per key).
    public var dedupeKey: String?
    /// Groups the jobs of one `ingest` or `watch` batch so progress can be reported.
    public var batchId: String?
    public var attempts: Int
    public var maxAttempts: Int
    public var runAfter: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Claims take the highest priority first, then the oldest. A file's job makes its grid
    /// thumbnails at `normalPriority` and goes back to the queue at `remainingRenditionsPriority`
    /// for the rest, so a batch's thumbnails are all made before its larger renditions.
    public var priority: Int

    /// Ingest jobs and re-render commands.
    public static let normalPriority = 0
    /// The second pass of a file's render stage: the renditions that are not grid thumbnails.
    public static let remainingRenditionsPriority = -10

    public init(id: Int64? = nil, organizationId: String = Organization.defaultId, stage: PipelineStage,
                payload: JSONValue, assetId: Int64? = nil, dedupeKey: String? = nil, batchId: String? = nil,
                maxAttempts: Int = 3, priority: Int = Job.normalPriority, now: Date = Date()) {
        self.id = id
        self.organizationId = organizationId
        self.stage = stage
        self.status = .queued
        self.payload = payload
        self.assetId = assetId
        self.dedupeKey = dedupeKey
        self.batchId = batchId
        self.attempts = 0
        self.maxAttempts = maxAttempts
        self.priority = priority
        self.runAfter = now
        self.createdAt = now
        self.updatedAt = now
    }
}

public enum PipelineStage: String, Codable, Sendable, CaseIterable {
    case store = "STORE", extract = "EXTRACT", version = "VERSION", render = "RENDER"
    /// An outbound webhook delivery (`Webhooks/`): in the same durable queue for its retries and
    /// leases, but claimed only by the webhook dispatcher, never by pipeline workers.
    case webhook = "WEBHOOK"
}

public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case queued = "QUEUED", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED"
}

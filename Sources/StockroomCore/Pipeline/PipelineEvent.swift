import Foundation

/// A job finished: what happened to which file. Drives progress output and `--json` events.
public struct PipelineEvent: Sendable, Codable, Equatable {
    public var jobId: Int64
    public var batchId: String?
    public var file: String?
    public var outcome: IngestOutcome
    public var assetId: Int64?
    public var versionNumber: Int?
    public var duplicateOf: Int64?
    public var renditions: Int?
    public var renditionsFailed: Int?
    public var stage: PipelineStage?
    public var reason: String?
    /// Whether the job will be tried again (a transient failure).
    public var willRetry: Bool
}

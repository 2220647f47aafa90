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
    /// One line (see `FailureReason`).
    public var reason: String?
    /// The full text of a failure whose reason is a summary.
    public var details: String?
    /// Whether the job will be tried again (a transient failure).
    public var willRetry: Bool
}

extension PipelineEvent {
    /// What a job did to its file, read from the job and its payload: the one mapping behind both
    /// the live events and the batch summary. A failure names its stage and reason.
    init(job: Job, payload: IngestPayload?, outcome: IngestOutcome, reason: String? = nil, willRetry: Bool = false) {
        let failed = outcome == .failed
        self.init(jobId: job.id!, batchId: job.batchId, file: payload?.relativePath ?? payload?.sourcePath, outcome: outcome,
                  assetId: job.assetId, versionNumber: payload?.versionNumber, duplicateOf: payload?.duplicateOf,
                  renditions: payload?.renditionsMade, renditionsFailed: payload?.renditionsFailed,
                  stage: failed ? (payload?.failedStage ?? job.stage) : nil,
                  reason: failed ? (reason ?? payload?.reason ?? job.lastError) : nil, details: nil, willRetry: willRetry)
    }
}

import Foundation

extension Job {
    /// Why a job whose process died on every one of its attempts is set aside: a file that takes
    /// the whole process down would otherwise do so forever.
    var repeatedDeathReason: String {
        "Stockroom stopped unexpectedly \(attempts) times while working on this file "
            + "(at the \(stage.rawValue.lowercased()) stage); it is set aside so it cannot stop Stockroom again"
    }

    /// Marks the job FAILED with `repeatedDeathReason` in its payload and error, and returns the
    /// ingest-failure row the catalog records beside it. Call after the store took back what
    /// the job's version stage filed (`payload.outcome` and `assetId` as they are then).
    mutating func setAsideAfterRepeatedDeaths(now: Date) -> IngestFailure {
        let reason = repeatedDeathReason
        var payload = (try? payload.decode(IngestPayload.self)) ?? IngestPayload(libraryId: 0)
        payload.failedStage = stage
        payload.reason = reason
        payload.outcome = .failed
        self.payload = (try? JSONValue.encoding(payload)) ?? self.payload
        status = .failed
        lastError = reason
        return IngestFailure(organizationId: organizationId, libraryId: payload.libraryId == 0 ? nil : payload.libraryId,
                             sourcePath: payload.sourcePath ?? payload.relativePath ?? "asset \(assetId ?? 0)",
                             stage: stage.rawValue, reason: reason, now: now)
    }
}

extension Activity {
    /// The activity entry of a file that failed (a recorded ingest failure).
    static func ingestFailed(_ failure: IngestFailure, now: Date) -> Activity {
        Activity(organizationId: failure.organizationId, actor: .system, action: "ingest.failed",
                 entityType: "file", entityId: String(failure.id!), entityTitle: failure.sourcePath,
                 description: "\(failure.stage): \(failure.reason)", now: now)
    }
}

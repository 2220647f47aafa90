import Foundation
import GRDB

/// What a watch folder already handed to the pipeline.
public struct WatchedFileState: Codable, Sendable, Equatable {
    public var byteSize: Int64
    public var modifiedAt: Double
    public var outcome: String
    public var assetId: Int64?
}

extension SQLiteCatalog: WatchStateRepository {
    public func watchedFileStates(root: String) throws(DomainError) -> [String: WatchedFileState] {
        try read { db in
            var states: [String: WatchedFileState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT relativePath, byteSize, modifiedAt, outcome, assetId FROM watch_file WHERE watchRoot = ?", arguments: [root]) {
                states[row["relativePath"]] = WatchedFileState(byteSize: row["byteSize"], modifiedAt: row["modifiedAt"], outcome: row["outcome"], assetId: row["assetId"])
            }
            return states
        }
    }

    public func recordWatchedFile(root: String, relativePath: String, state: WatchedFileState, now: Date) throws(DomainError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO watch_file (watchRoot, relativePath, byteSize, modifiedAt, outcome, assetId, recordedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (watchRoot, relativePath) DO UPDATE SET
                    byteSize = excluded.byteSize, modifiedAt = excluded.modifiedAt, outcome = excluded.outcome,
                    assetId = excluded.assetId, recordedAt = excluded.recordedAt
                """, arguments: [root, relativePath, state.byteSize, state.modifiedAt, state.outcome, state.assetId, now])
        }
    }

    /// Notes where a failed file was moved to.
    public func setQuarantinePath(sourcePath: String, quarantinePath: String) throws(DomainError) {
        try write { db in
            try db.execute(sql: """
                UPDATE ingest_failure SET quarantinePath = ?
                WHERE id = (SELECT id FROM ingest_failure WHERE sourcePath = ? AND resolvedAt IS NULL ORDER BY id DESC LIMIT 1)
                """, arguments: [quarantinePath, sourcePath])
        }
    }
}

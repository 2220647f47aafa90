import Foundation
import GRDB
import StockroomMedia

extension SQLiteCatalog: PipelineCatalog {
    public func recordVersion(job: Job, draft: AssetDraft, rendersNext: Bool, pendingRenditions: [PlannedRendition],
                              leaseSeconds: Double, now: Date) throws(DomainError) -> Job {
        try write { db in
            try VersionFiling.record(job: job, draft: draft, rendersNext: rendersNext, pendingRenditions: pendingRenditions,
                                     leaseSeconds: leaseSeconds, now: now, in: SQLiteVersionFilingStore(db: db))
        }
    }

    static func uniqueAssetSlug(_ db: Database, libraryId: Int64, name: String) throws -> String {
        let base = Slug.make(from: name).isEmpty ? "asset" : Slug.make(from: name)
        var candidate = base
        var n = 2
        while try Int.fetchOne(db, sql: "SELECT 1 FROM asset WHERE libraryId = ? AND slug = ?", arguments: [libraryId, candidate]) != nil {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    /// The renditions the render stage will make for the asset's new current version, as PENDING
    /// rows. A row of an older version keeps its file (a take-back makes it COMPLETED again).
    static func markPending(_ db: Database, assetId: Int64, renditions: [PlannedRendition], now: Date) throws {
        guard !renditions.isEmpty,
              let versionId = try Int64.fetchOne(db, sql: "SELECT id FROM asset_version WHERE assetId = ? AND isCurrent", arguments: [assetId]) else { return }
        for planned in renditions {
            try db.execute(sql: """
                INSERT INTO rendition (assetId, versionId, renditionType, recipeHash, format, quality, status, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
                ON CONFLICT (assetId, renditionType) DO UPDATE SET status = 'PENDING', error = NULL, updatedAt = excluded.updatedAt
                """, arguments: [assetId, versionId, planned.renditionType.rawValue, planned.recipeHash, planned.format, planned.quality, now, now])
        }
    }

    static func storeRenditions(_ db: Database, _ renditions: [Rendition], now: Date) throws {
        for var rendition in renditions {
            // When the row became what it is: a batch's timeline (scripts/bench) reads it.
            rendition.updatedAt = now
            if let existing = try Rendition.filter(Rendition.Columns.assetId == rendition.assetId
                && Rendition.Columns.renditionType == rendition.renditionType).fetchOne(db) {
                rendition.id = existing.id
                rendition.createdAt = existing.createdAt
                try rendition.update(db)
            } else {
                try rendition.insert(db)
            }
        }
    }

    public func recordRenditions(job: Job, renditions: [Rendition], now: Date) throws(DomainError) {
        try write { db in
            try Self.storeRenditions(db, renditions, now: now)
            if let assetId = job.assetId {
                // What this render was to make and did not (no outcome; audio without cover art) is not pending any more.
                let only = (try? job.payload.decode(IngestPayload.self))?.renditionTypes
                let made = renditions.map(\.renditionType.rawValue)
                var sql = "DELETE FROM rendition WHERE assetId = ? AND status = 'PENDING'"
                var arguments: [any DatabaseValueConvertible] = [assetId]
                if !made.isEmpty {
                    sql += " AND renditionType NOT IN (\(made.map { _ in "?" }.joined(separator: ",")))"
                    arguments += made as [any DatabaseValueConvertible]
                }
                if let only, !only.isEmpty {
                    sql += " AND renditionType IN (\(only.map { _ in "?" }.joined(separator: ",")))"
                    arguments += only.map(\.rawValue) as [any DatabaseValueConvertible]
                }
                if only?.isEmpty != true { try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
            }
            try Self.finish(db, job, status: .succeeded, error: nil, now: now)
        }
    }

    public func recordRenditionsAndRequeue(job: Job, renditions: [Rendition], now: Date) throws(DomainError) {
        try write { db in
            try Self.storeRenditions(db, renditions, now: now)
            var job = job
            job.status = .queued
            job.leaseOwner = nil
            job.leaseExpiresAt = nil
            job.attempts = 0
            job.runAfter = now
            job.updatedAt = now
            try job.update(db)
        }
    }

    public func recordGridThumbnails(job: Job, renditions: [Rendition], leaseSeconds: Double, now: Date) throws(DomainError) {
        try write { db in
            try Self.storeRenditions(db, renditions, now: now)
            try Self.saveProgress(db, job, leaseSeconds: leaseSeconds, now: now)
        }
    }

    public func isAlone(_ job: Job) throws(DomainError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT NOT EXISTS (SELECT 1 FROM job WHERE status = 'QUEUED' AND priority > ? AND stage != ?)
                   AND NOT EXISTS (SELECT 1 FROM job WHERE batchId = ? AND status IN ('QUEUED', 'RUNNING') AND id != ?)
                """, arguments: [Job.remainingRenditionsPriority, PipelineStage.webhook.rawValue, job.batchId, job.id]) ?? false
        }
    }

    public func recordFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError) {
        try write { db in try Self.recordFailure(db, job: job, failure: failure, now: now) }
    }

    static func recordFailure(_ db: Database, job: Job, failure: IngestFailure, now: Date) throws {
        var failure = failure
        try failure.insert(db)
        if job.stage == .render, let assetId = job.assetId {
            try failPendingRenditions(db, assetId: assetId, reason: failure.reason, now: now)
        }
        try Self.finish(db, job, status: .failed, error: failure.reason, now: now)
        try Self.logActivity(db, .ingestFailed(failure, now: now))
    }

    public func recordRenderFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError) -> Job {
        try write { db in
            var job = job
            try Self.takeBackVersion(db, of: &job, now: now)
            try Self.recordFailure(db, job: job, failure: failure, now: now)
            job.status = .failed
            return job
        }
    }

    /// A render that failed for good: what it was to make shows FAILED with the reason.
    static func failPendingRenditions(_ db: Database, assetId: Int64, reason: String, now: Date) throws {
        try db.execute(sql: "UPDATE rendition SET status = 'FAILED', error = ?, updatedAt = ? WHERE assetId = ? AND status = 'PENDING'",
                       arguments: [reason, now, assetId])
    }

    /// Removes what a job's version stage filed, for a file that failed after it: the new asset,
    /// or the new version (the one before it is current again, with its technical columns and
    /// renditions). Not once the file's grid thumbnails are made: then the asset stays.
    static func takeBackVersion(_ db: Database, of job: inout Job, now: Date) throws {
        guard var payload = try? job.payload.decode(IngestPayload.self), payload.gridThumbnailsMade != true,
              let assetId = job.assetId, var asset = try Asset.fetchOne(db, key: assetId) else { return }
        defer {
            payload.outcome = .failed
            job.payload = (try? JSONValue.encoding(payload)) ?? job.payload
        }
        switch payload.outcome {
        case .ingested:
            // The job row refers to the asset with ON DELETE CASCADE: let go of it first.
            job.assetId = nil
            try db.execute(sql: "UPDATE job SET assetId = NULL WHERE assetId = ?", arguments: [assetId])
            try asset.delete(db)
        case .newVersion:
            if let number = payload.versionNumber {
                try db.execute(sql: "DELETE FROM asset_version WHERE assetId = ? AND versionNumber = ?", arguments: [assetId, number])
            }
            // The older version's renditions, made PENDING by the version stage, are its own again;
            // rows it had no file for are left to `render --stale`.
            try db.execute(sql: "UPDATE rendition SET status = 'COMPLETED' WHERE assetId = ? AND status = 'PENDING' AND blobHash IS NOT NULL",
                           arguments: [assetId])
            try db.execute(sql: "DELETE FROM rendition WHERE assetId = ? AND status = 'PENDING'", arguments: [assetId])
            if var previous = try AssetVersion.filter(AssetVersion.Columns.assetId == assetId)
                .order(AssetVersion.Columns.versionNumber.desc).fetchOne(db) {
                previous.isCurrent = true
                try previous.update(db)
                try applyVersion(db, previous, to: &asset)
                asset.updatedAt = now
                try asset.update(db)
            }
        default:
            break
        }
    }

    /// The media engine's description of a version, if it was recorded.
    public func versionDescription(versionId: Int64) throws(DomainError) -> MediaDescription? {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT description FROM asset_version_media WHERE versionId = ?", arguments: [versionId]) else {
                return nil
            }
            return try? JSONDecoder.stockroom.decode(MediaDescription.self, from: Data(text.utf8))
        }
    }

    /// Records the description of a version that predates per-version descriptions.
    public func storeVersionDescription(versionId: Int64, description: MediaDescription) throws(DomainError) {
        try write { db in
            try Self.storeVersionMedia(db, versionId: versionId, description: try JSONValue.encoding(description))
        }
    }

    static func storeVersionMedia(_ db: Database, versionId: Int64, description: JSONValue) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO asset_version_media (versionId, description) VALUES (?, ?)",
                       arguments: [versionId, description])
    }

    /// Makes the asset's content and technical columns those of `version`: its bytes, and what
    /// the media engine said about them when the version was made.
    static func applyVersion(_ db: Database, _ version: AssetVersion, to asset: inout Asset) throws {
        asset.contentHash = version.blobHash
        asset.byteSize = version.byteSize
        asset.mimeType = version.mimeType
        guard let text = try String.fetchOne(db, sql: "SELECT description FROM asset_version_media WHERE versionId = ?", arguments: [version.id]),
              let description = try? JSONDecoder.stockroom.decode(MediaDescription.self, from: Data(text.utf8)) else { return }
        let draft = AssetDraft(description: description, fileName: version.originalFilename, blobHash: version.blobHash, byteSize: version.byteSize)
        VersionFiling.apply(draft, to: &asset, technicalOnly: true)
    }

    public func restoreVersion(assetId: Int64, versionNumber: Int, actor: String, now: Date) throws(DomainError) -> AssetVersion {
        try write { db in
            guard var asset = try Asset.fetchOne(db, key: assetId) else { throw DomainError.notFound("no asset \(assetId)") }
            guard let old = try AssetVersion.filter(AssetVersion.Columns.assetId == assetId && AssetVersion.Columns.versionNumber == versionNumber).fetchOne(db) else {
                throw DomainError.notFound("asset \(assetId) has no version \(versionNumber)")
            }
            if old.isCurrent { throw DomainError.conflict("version \(versionNumber) is already the current version") }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(versionNumber) FROM asset_version WHERE assetId = ?", arguments: [assetId]) ?? 0) + 1
            try db.execute(sql: "UPDATE asset_version SET isCurrent = 0 WHERE assetId = ?", arguments: [assetId])
            var restored = AssetVersion(assetId: assetId, versionNumber: number, blobHash: old.blobHash, byteSize: old.byteSize,
                                        mimeType: old.mimeType, originalFilename: old.originalFilename, changeType: .restore,
                                        changeNote: "restored from version \(versionNumber)", createdBy: actor, now: now)
            try restored.insert(db)
            if let media = try String.fetchOne(db, sql: "SELECT description FROM asset_version_media WHERE versionId = ?", arguments: [old.id]) {
                try db.execute(sql: "INSERT INTO asset_version_media (versionId, description) VALUES (?, ?)", arguments: [restored.id, media])
            }
            try Self.applyVersion(db, restored, to: &asset)
            asset.lastEditedBy = actor
            asset.updatedAt = now
            try asset.update(db)
            try Self.logActivity(db, Activity(organizationId: asset.organizationId, actor: Actor(kind: .user, name: actor),
                                              action: "version.restored", entityType: "asset", entityId: String(assetId),
                                              entityTitle: asset.name, description: "version \(versionNumber) restored as \(number)", now: now))
            return restored
        }
    }

    public func failures(includeResolved: Bool) throws(DomainError) -> [IngestFailure] {
        try read { db in
            try IngestFailure.fetchAll(db, sql: "SELECT * FROM ingest_failure \(includeResolved ? "" : "WHERE resolvedAt IS NULL") ORDER BY id")
        }
    }

    public func resolveFailure(id: Int64, now: Date) throws(DomainError) {
        try write { db in
            try db.execute(sql: "UPDATE ingest_failure SET resolvedAt = ? WHERE id = ?", arguments: [now, id])
        }
    }
}

extension SQLiteCatalog {
    /// Assets of the library whose current version lacks one of `wanted` (rendition type → recipe
    /// hash) made from that version by that recipe: missing, still PENDING, older version, or
    /// changed recipe.
    /// One query; the (assetId, renditionType) index answers each asset's lookups.
    public func assetIdsWithStaleRenditions(libraryId: Int64, wanted: [RenditionType: String]) throws(DomainError) -> [Int64] {
        guard !wanted.isEmpty else { return [] }
        var arguments: [any DatabaseValueConvertible] = []
        for (type, hash) in wanted.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            arguments.append(type.rawValue)
            arguments.append(hash)
        }
        arguments.append(libraryId)
        arguments.append(wanted.count)
        let values = Array(repeating: "(?, ?)", count: wanted.count).joined(separator: ", ")
        let sql = """
            WITH wanted(renditionType, recipeHash) AS (VALUES \(values))
            SELECT a.id FROM asset a
            JOIN asset_version v ON v.assetId = a.id AND v.isCurrent
            WHERE a.libraryId = ?
              AND (SELECT COUNT(*) FROM wanted w
                   JOIN rendition r ON r.assetId = a.id AND r.renditionType = w.renditionType
                    AND r.recipeHash = w.recipeHash AND r.versionId = v.id AND r.status != 'PENDING') < ?
            ORDER BY a.id
            """
        return try read { db in try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// Video assets whose PREVIEW_VIDEO is missing, made from an older version, or by another recipe.
    public func videoAssetIdsWithStalePreviewVideo(libraryId: Int64, recipeHash: String) throws(DomainError) -> [Int64] {
        try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT a.id FROM asset a
                JOIN asset_version v ON v.assetId = a.id AND v.isCurrent
                WHERE a.libraryId = ? AND a.assetType LIKE 'VIDEO%'
                  AND NOT EXISTS (SELECT 1 FROM rendition r WHERE r.assetId = a.id AND r.renditionType = 'PREVIEW_VIDEO'
                                  AND r.recipeHash = ? AND r.versionId = v.id)
                ORDER BY a.id
                """, arguments: [libraryId, recipeHash])
        }
    }

    public func audioAssetIdsWithStaleRendition(libraryId: Int64, renditionType: RenditionType, recipeHash: String) throws(DomainError) -> [Int64] {
        try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT a.id FROM asset a
                JOIN asset_version v ON v.assetId = a.id AND v.isCurrent
                WHERE a.libraryId = ? AND a.assetType LIKE 'AUDIO%'
                  AND NOT EXISTS (SELECT 1 FROM rendition r WHERE r.assetId = a.id AND r.renditionType = ?
                                  AND r.recipeHash = ? AND r.versionId = v.id)
                ORDER BY a.id
                """, arguments: [libraryId, renditionType.rawValue, recipeHash])
        }
    }
}

/// `VersionFiling`'s rows in one SQLite write transaction (one writer: no row locks needed).
struct SQLiteVersionFilingStore: VersionFilingStore {
    let db: Database

    func library(id: Int64) throws -> Library? { try Library.fetchOne(db, key: id) }

    func assetForNewVersion(libraryId: Int64, sourcePath: String) throws -> Asset? {
        try Asset.filter(Asset.Columns.libraryId == libraryId && Asset.Columns.sourcePath == sourcePath).fetchOne(db)
    }

    func nextVersionNumber(assetId: Int64) throws -> Int {
        (try Int.fetchOne(db, sql: "SELECT MAX(versionNumber) FROM asset_version WHERE assetId = ?", arguments: [assetId]) ?? 0) + 1
    }

    func fileCurrentVersion(_ version: AssetVersion, description: JSONValue) throws {
        try db.execute(sql: "UPDATE asset_version SET isCurrent = 0 WHERE assetId = ?", arguments: [version.assetId])
        var version = version
        try version.insert(db)
        try SQLiteCatalog.storeVersionMedia(db, versionId: version.id!, description: description)
    }

    func assetHolding(blobHash: String, libraryId: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT asset.id FROM asset WHERE asset.libraryId = ? AND asset.contentHash = ?
            UNION ALL
            SELECT asset_version.assetId FROM asset_version JOIN asset ON asset.id = asset_version.assetId
            WHERE asset.libraryId = ? AND asset_version.blobHash = ?
            LIMIT 1
            """, arguments: [libraryId, blobHash, libraryId, blobHash])
    }

    func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws -> Folder {
        try SQLiteCatalog.ensureFolder(db, libraryId: libraryId, path: path, createdBy: createdBy)
    }

    func uniqueAssetSlug(libraryId: Int64, name: String) throws -> String {
        try SQLiteCatalog.uniqueAssetSlug(db, libraryId: libraryId, name: name)
    }

    func insertAsset(_ asset: Asset) throws -> Asset { try asset.inserted(db) }
    func updateAsset(_ asset: Asset) throws { try asset.update(db) }

    func indexContent(assetId: Int64, draft: AssetDraft) throws { try SQLiteCatalog.indexContent(db, assetId: assetId, draft: draft) }

    func attachTags(assetId: Int64, organizationId: String, names: [String]) throws {
        try SQLiteCatalog.attachTags(db, assetId: assetId, organizationId: organizationId, names: names)
    }

    func log(_ activity: Activity) throws { try SQLiteCatalog.logActivity(db, activity) }

    func markPending(assetId: Int64, renditions: [PlannedRendition], now: Date) throws {
        try SQLiteCatalog.markPending(db, assetId: assetId, renditions: renditions, now: now)
    }

    func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws {
        try SQLiteCatalog.saveProgress(db, job, leaseSeconds: leaseSeconds, now: now)
    }

    func finish(_ job: Job, status: JobStatus, now: Date) throws {
        try SQLiteCatalog.finish(db, job, status: status, error: nil, now: now)
    }
}

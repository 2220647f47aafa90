import Foundation
import StockroomMedia

extension PostgresCatalog: PipelineCatalog {
    public func recordVersion(job: Job, draft: AssetDraft, rendersNext: Bool, pendingRenditions: [PlannedRendition],
                              leaseSeconds: Double, now: Date) throws(DomainError) -> Job {
        try write { tx throws(DomainError) -> Job in
            do {
                return try VersionFiling.record(job: job, draft: draft, rendersNext: rendersNext, pendingRenditions: pendingRenditions,
                                                leaseSeconds: leaseSeconds, now: now, in: PostgresVersionFilingStore(tx: tx))
            } catch let error as DomainError {
                throw error
            } catch {
                throw DomainError.invalidArgument("cannot file the version: \(error)")
            }
        }
    }

    static func uniqueAssetSlug(_ tx: PostgresTransaction, libraryId: Int64, name: String) throws(DomainError) -> String {
        let base = Slug.make(from: name).isEmpty ? "asset" : Slug.make(from: name)
        var candidate = base
        var n = 2
        while try tx.scalar(Int64.self, "SELECT 1::bigint FROM asset WHERE library_id = ? AND slug = ?", [libraryId, candidate]) != nil {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    /// The renditions the render stage will make for the asset's new current version, as PENDING
    /// rows. A row of an older version keeps its file (a take-back makes it COMPLETED again).
    static func markPending(_ tx: PostgresTransaction, assetId: Int64, renditions: [PlannedRendition], now: Date) throws(DomainError) {
        guard !renditions.isEmpty,
              let versionId = try tx.scalar(Int64.self, "SELECT id FROM asset_version WHERE asset_id = ? AND is_current", [assetId]) else { return }
        for planned in renditions {
            _ = try tx.execute("""
                INSERT INTO rendition (asset_id, version_id, rendition_type, recipe_hash, format, quality, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
                ON CONFLICT (asset_id, rendition_type) DO UPDATE SET status = 'PENDING', error = NULL, updated_at = excluded.updated_at
                """, [assetId, versionId, planned.renditionType.rawValue, planned.recipeHash, planned.format, Int64(planned.quality), now, now])
        }
    }

    static func storeRenditions(_ tx: PostgresTransaction, _ renditions: [Rendition], now: Date) throws(DomainError) {
        for var rendition in renditions {
            // When the row became what it is: a batch's timeline (scripts/bench) reads it.
            rendition.updatedAt = now
            if let existing = try tx.record(Rendition.self, from: "rendition", where: "t.asset_id = ? AND t.rendition_type = ?",
                                            [rendition.assetId, rendition.renditionType.rawValue]) {
                rendition.id = existing.id
                rendition.createdAt = existing.createdAt
                try tx.update(rendition, in: "rendition", id: rendition.id)
            } else {
                _ = try tx.insert(rendition, into: "rendition")
            }
        }
    }

    public func recordRenditions(job: Job, renditions: [Rendition], now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in
            try Self.storeRenditions(tx, renditions, now: now)
            if let assetId = job.assetId {
                // What this render was to make and did not (no outcome; audio without cover art) is not pending any more.
                let only = (try? job.payload.decode(IngestPayload.self))?.renditionTypes
                if only?.isEmpty != true {
                    let made = renditions.map(\.renditionType.rawValue)
                    let limited = only.map { Self.array($0.map(\.rawValue)) }
                    _ = try tx.execute("""
                        DELETE FROM rendition WHERE asset_id = ? AND status = 'PENDING'
                          AND NOT (rendition_type = ANY(?::text[]))
                          AND (?::text[] IS NULL OR rendition_type = ANY(?::text[]))
                        """, [assetId, Self.array(made), limited, limited])
                }
            }
            try Self.finish(tx, job, status: .succeeded, error: nil, now: now)
        }
    }

    public func recordRenditionsAndRequeue(job: Job, renditions: [Rendition], now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in
            try Self.storeRenditions(tx, renditions, now: now)
            // Back in the queue for the rest, fenced by the lease like every stage write.
            let changed = try tx.execute("""
                UPDATE job SET status = 'QUEUED', stage = ?, payload = ?::jsonb, asset_id = ?, priority = ?, attempts = 0,
                               lease_owner = NULL, lease_expires_at = NULL, run_after = ?, updated_at = ?
                WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?
                """, [job.stage.rawValue, try PostgresJobQueue.payloadText(job.payload), job.assetId, Int64(job.priority), now, now,
                      job.id, job.leaseOwner])
            if changed == 0 { throw Self.leaseLost(job) }
            _ = try tx.execute("SELECT pg_notify(?, '')", [queue.channel])
        }
    }

    public func recordFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in try Self.recordFailure(tx, job: job, failure: failure, now: now) }
    }

    static func recordFailure(_ tx: PostgresTransaction, job: Job, failure: IngestFailure, now: Date) throws(DomainError) {
        let failure = try tx.insert(failure, into: "ingest_failure")
        if job.stage == .render, let assetId = job.assetId {
            try failPendingRenditions(tx, assetId: assetId, reason: failure.reason, now: now)
        }
        try finish(tx, job, status: .failed, error: failure.reason, now: now)
        try tx.logActivity(.ingestFailed(failure, now: now))
    }

    public func recordRenderFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError) -> Job {
        try write { tx throws(DomainError) -> Job in
            var job = job
            try Self.takeBackVersion(tx, of: &job, now: now)
            try Self.recordFailure(tx, job: job, failure: failure, now: now)
            job.status = .failed
            return job
        }
    }

    /// A render that failed for good: what it was to make shows FAILED with the reason.
    static func failPendingRenditions(_ tx: PostgresTransaction, assetId: Int64, reason: String, now: Date) throws(DomainError) {
        _ = try tx.execute("UPDATE rendition SET status = 'FAILED', error = ?, updated_at = ? WHERE asset_id = ? AND status = 'PENDING'",
                           [reason, now, assetId])
    }

    /// Removes what a job's version stage filed, for a file that failed after it: the new asset,
    /// or the new version (the one before it is current again, with its technical columns and
    /// renditions). Not once the file's grid thumbnails are made: then the asset stays.
    static func takeBackVersion(_ tx: PostgresTransaction, of job: inout Job, now: Date) throws(DomainError) {
        guard var payload = try? job.payload.decode(IngestPayload.self), payload.gridThumbnailsMade != true,
              let assetId = job.assetId, var asset = try tx.record(Asset.self, from: "asset", id: assetId) else { return }
        switch payload.outcome {
        case .ingested:
            job.assetId = nil
            try tx.execute("UPDATE job SET asset_id = NULL WHERE asset_id = ?", [assetId])
            try tx.execute("DELETE FROM asset WHERE id = ?", [assetId])
        case .newVersion:
            if let number = payload.versionNumber {
                try tx.execute("DELETE FROM asset_version WHERE asset_id = ? AND version_number = ?", [assetId, number])
            }
            // The older version's renditions, made PENDING by the version stage, are its own again;
            // rows it had no file for are left to `render --stale`.
            try tx.execute("UPDATE rendition SET status = 'COMPLETED' WHERE asset_id = ? AND status = 'PENDING' AND blob_hash IS NOT NULL", [assetId])
            try tx.execute("DELETE FROM rendition WHERE asset_id = ? AND status = 'PENDING'", [assetId])
            if var previous = try tx.records(AssetVersion.self, from: "asset_version", where: "t.asset_id = ?", [assetId],
                                             orderBy: "t.version_number DESC", limit: 1).first {
                previous.isCurrent = true
                try tx.update(previous, in: "asset_version", id: previous.id)
                try applyVersion(tx, previous, to: &asset)
                asset.updatedAt = now
                try tx.update(asset, in: "asset", id: asset.id)
            }
        default:
            break
        }
        payload.outcome = .failed
        job.payload = (try? JSONValue.encoding(payload)) ?? job.payload
    }

    public func versionDescription(versionId: Int64) throws(DomainError) -> MediaDescription? {
        try read { tx throws(DomainError) in try Self.versionMedia(tx, versionId: versionId) }
    }

    public func storeVersionDescription(versionId: Int64, description: MediaDescription) throws(DomainError) {
        try write { tx throws(DomainError) in try Self.storeVersionMedia(tx, versionId: versionId, description: try Self.jsonValue(description)) }
    }

    static func versionMedia(_ tx: PostgresTransaction, versionId: Int64?) throws(DomainError) -> MediaDescription? {
        guard let versionId, let text = try tx.scalar(String.self, "SELECT description::text FROM asset_version_media WHERE version_id = ?", [versionId]) else {
            return nil
        }
        return try? JSONDecoder.stockroom.decode(MediaDescription.self, from: Data(text.utf8))
    }

    static func storeVersionMedia(_ tx: PostgresTransaction, versionId: Int64, description: JSONValue) throws(DomainError) {
        try tx.execute("""
            INSERT INTO asset_version_media (version_id, description) VALUES (?, ?::jsonb)
            ON CONFLICT (version_id) DO UPDATE SET description = excluded.description
            """, [versionId, try PostgresJobQueue.payloadText(description)])
    }

    /// Makes the asset's content and technical columns those of `version`.
    static func applyVersion(_ tx: PostgresTransaction, _ version: AssetVersion, to asset: inout Asset) throws(DomainError) {
        asset.contentHash = version.blobHash
        asset.byteSize = version.byteSize
        asset.mimeType = version.mimeType
        guard let description = try versionMedia(tx, versionId: version.id) else { return }
        let draft = AssetDraft(description: description, fileName: version.originalFilename, blobHash: version.blobHash, byteSize: version.byteSize)
        VersionFiling.apply(draft, to: &asset, technicalOnly: true)
    }

    public func restoreVersion(assetId: Int64, versionNumber: Int, actor: String, now: Date) throws(DomainError) -> AssetVersion {
        try write { tx throws(DomainError) -> AssetVersion in
            guard var asset = try tx.records(Asset.self, from: "asset", where: "t.id = ?", [assetId], limit: 1, forUpdate: true).first else {
                throw DomainError.notFound("no asset \(assetId)")
            }
            guard let old = try tx.record(AssetVersion.self, from: "asset_version", where: "t.asset_id = ? AND t.version_number = ?", [assetId, versionNumber]) else {
                throw DomainError.notFound("asset \(assetId) has no version \(versionNumber)")
            }
            if old.isCurrent { throw DomainError.conflict("version \(versionNumber) is already the current version") }
            let number = Int(try tx.scalar(Int64.self, "SELECT coalesce(max(version_number), 0) + 1 FROM asset_version WHERE asset_id = ?", [assetId]) ?? 1)
            try tx.execute("UPDATE asset_version SET is_current = FALSE WHERE asset_id = ? AND is_current", [assetId])
            let restored = try tx.insert(AssetVersion(assetId: assetId, versionNumber: number, blobHash: old.blobHash, byteSize: old.byteSize,
                                                      mimeType: old.mimeType, originalFilename: old.originalFilename, changeType: .restore,
                                                      changeNote: "restored from version \(versionNumber)", createdBy: actor, now: now), into: "asset_version")
            try tx.execute("""
                INSERT INTO asset_version_media (version_id, description) SELECT ?, description FROM asset_version_media WHERE version_id = ?
                """, [restored.id, old.id])
            try Self.applyVersion(tx, restored, to: &asset)
            asset.lastEditedBy = actor
            asset.updatedAt = now
            try tx.update(asset, in: "asset", id: asset.id)
            try tx.logActivity(Activity(organizationId: asset.organizationId, actor: Actor(kind: .user, name: actor),
                                        action: "version.restored", entityType: "asset", entityId: String(assetId),
                                        entityTitle: asset.name, description: "version \(versionNumber) restored as \(number)", now: now))
            return restored
        }
    }

    public func failures(includeResolved: Bool) throws(DomainError) -> [IngestFailure] {
        try read { tx throws(DomainError) in
            try tx.records(IngestFailure.self, from: "ingest_failure", where: includeResolved ? "TRUE" : "t.resolved_at IS NULL", orderBy: "t.id")
        }
    }

    public func resolveFailure(id: Int64, now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in try tx.execute("UPDATE ingest_failure SET resolved_at = ? WHERE id = ?", [now, id]) }
    }

    public func assetIdsWithStaleRenditions(libraryId: Int64, wanted: [RenditionType: String]) throws(DomainError) -> [Int64] {
        guard !wanted.isEmpty else { return [] }
        let sorted = wanted.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        return try read { tx throws(DomainError) in
            try tx.column(Int64.self, """
                SELECT a.id FROM asset a
                JOIN asset_version v ON v.asset_id = a.id AND v.is_current
                WHERE a.library_id = ?
                  AND (SELECT count(*) FROM unnest(?::text[], ?::text[]) AS w(rendition_type, recipe_hash)
                       JOIN rendition r ON r.asset_id = a.id AND r.rendition_type = w.rendition_type
                        AND r.recipe_hash = w.recipe_hash AND r.version_id = v.id AND r.status <> 'PENDING') < ?
                ORDER BY a.id
                """, [libraryId, Self.array(sorted.map(\.key.rawValue)), Self.array(sorted.map(\.value)), wanted.count])
        }
    }
}

/// `VersionFiling`'s rows in one PostgreSQL transaction. Several hosts may file versions of one
/// path at once: the asset row is locked while its next version number is taken.
struct PostgresVersionFilingStore: VersionFilingStore {
    let tx: PostgresTransaction

    func library(id: Int64) throws -> Library? { try tx.record(Library.self, from: "library", id: id) }

    func assetForNewVersion(libraryId: Int64, sourcePath: String) throws -> Asset? {
        try tx.records(Asset.self, from: "asset", where: "t.library_id = ? AND t.source_path = ?", [libraryId, sourcePath],
                       limit: 1, forUpdate: true).first
    }

    func nextVersionNumber(assetId: Int64) throws -> Int {
        Int(try tx.scalar(Int64.self, "SELECT coalesce(max(version_number), 0) + 1 FROM asset_version WHERE asset_id = ?", [assetId]) ?? 1)
    }

    func fileCurrentVersion(_ version: AssetVersion, description: JSONValue) throws {
        try tx.execute("UPDATE asset_version SET is_current = FALSE WHERE asset_id = ? AND is_current", [version.assetId])
        let stored = try tx.insert(version, into: "asset_version")
        try PostgresCatalog.storeVersionMedia(tx, versionId: stored.id!, description: description)
    }

    func assetHolding(blobHash: String, libraryId: Int64) throws -> Int64? {
        try tx.scalar(Int64.self, """
            SELECT asset.id FROM asset WHERE asset.library_id = ? AND asset.content_hash = ?
            UNION ALL
            SELECT asset_version.asset_id FROM asset_version JOIN asset ON asset.id = asset_version.asset_id
            WHERE asset.library_id = ? AND asset_version.blob_hash = ?
            LIMIT 1
            """, [libraryId, blobHash, libraryId, blobHash])
    }

    func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws -> Folder {
        try PostgresCatalog.ensureFolder(tx, libraryId: libraryId, path: path, createdBy: createdBy)
    }

    func uniqueAssetSlug(libraryId: Int64, name: String) throws -> String {
        try PostgresCatalog.uniqueAssetSlug(tx, libraryId: libraryId, name: name)
    }

    func insertAsset(_ asset: Asset) throws -> Asset { try tx.insert(asset, into: "asset") }
    func updateAsset(_ asset: Asset) throws { try tx.update(asset, in: "asset", id: asset.id) }

    func indexContent(assetId: Int64, draft: AssetDraft) throws { try PostgresCatalog.indexContent(tx, assetId: assetId, draft: draft) }

    func attachTags(assetId: Int64, organizationId: String, names: [String]) throws {
        try PostgresCatalog.attachTags(tx, assetId: assetId, organizationId: organizationId, names: names)
    }

    func log(_ activity: Activity) throws { try tx.logActivity(activity) }

    func markPending(assetId: Int64, renditions: [PlannedRendition], now: Date) throws {
        try PostgresCatalog.markPending(tx, assetId: assetId, renditions: renditions, now: now)
    }

    func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws {
        try PostgresCatalog.saveProgress(tx, job, leaseSeconds: leaseSeconds, now: now)
    }

    func finish(_ job: Job, status: JobStatus, now: Date) throws {
        try PostgresCatalog.finish(tx, job, status: status, error: nil, now: now)
    }
}

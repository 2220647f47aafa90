import Foundation

/// What the version stage files, decided once for both catalogs: an original at a path the
/// library already holds with the same bytes changes nothing; with other bytes it becomes the
/// asset's next version (technical fields follow it, what a person edited stays); the same
/// bytes anywhere else in the library are a duplicate; anything else is a new asset, in its
/// folder (with the folder's default rights and tags), pending when the library requires
/// approval. Each outcome is logged and advances the job, in the caller's one transaction.
///
/// The catalogs supply the rows through `VersionFilingStore`, inside that transaction; the SQL
/// stays theirs, the rule lives here.
enum VersionFiling {
    static func record(job: Job, draft: AssetDraft, rendersNext: Bool, pendingRenditions: [PlannedRendition],
                       leaseSeconds: Double, now: Date, in store: some VersionFilingStore) throws -> Job {
        var job = job
        var payload = try job.payload.decode(IngestPayload.self)
        guard let library = try store.library(id: payload.libraryId) else {
            throw DomainError.notFound("library \(payload.libraryId) no longer exists")
        }
        let libraryId = library.id!
        let actor = Actor(kind: .system, name: payload.actor ?? "pipeline")
        let relativePath = payload.relativePath

        if let relativePath, var existing = try store.assetForNewVersion(libraryId: libraryId, sourcePath: relativePath) {
            if existing.contentHash == draft.blobHash {
                payload.outcome = .unchanged
                payload.duplicateOf = existing.id
                job.assetId = existing.id
                job.payload = try JSONValue.encoding(payload)
                try store.finish(job, status: .succeeded, now: now)
                job.status = .succeeded
                return job
            }
            let number = try store.nextVersionNumber(assetId: existing.id!)
            try store.fileCurrentVersion(AssetVersion(assetId: existing.id!, versionNumber: number, blobHash: draft.blobHash,
                                                      byteSize: draft.byteSize, mimeType: draft.mimeType, originalFilename: draft.name,
                                                      changeType: .update, createdBy: actor.name, now: now),
                                         description: draft.metadata)
            apply(draft, to: &existing, technicalOnly: true)
            existing.lastEditedBy = actor.name
            existing.updatedAt = now
            try store.updateAsset(existing)
            try store.indexContent(assetId: existing.id!, draft: draft)
            try store.attachTags(assetId: existing.id!, organizationId: library.organizationId, names: draft.tags)
            try store.log(Activity(organizationId: library.organizationId, actor: actor, action: "version.created",
                                   entityType: "asset", entityId: String(existing.id!), entityTitle: existing.name,
                                   description: "version \(number) from \(relativePath)", now: now))
            payload.outcome = .newVersion
            payload.versionNumber = number
            job.assetId = existing.id
        } else if let duplicate = try store.assetHolding(blobHash: draft.blobHash, libraryId: libraryId) {
            payload.outcome = .duplicate
            payload.duplicateOf = duplicate
            job.payload = try JSONValue.encoding(payload)
            try store.log(Activity(organizationId: library.organizationId, actor: actor, action: "ingest.duplicate",
                                   entityType: "asset", entityId: String(duplicate), entityTitle: draft.name,
                                   description: "\(relativePath ?? draft.name) has the same content as asset \(duplicate)", now: now))
            try store.finish(job, status: .succeeded, now: now)
            job.status = .succeeded
            return job
        } else {
            var folder: Folder?
            if let path = payload.folderPath {
                let folderPath = try FolderPath(parsing: path)
                if !folderPath.isRoot { folder = try store.ensureFolder(libraryId: libraryId, path: folderPath, createdBy: actor.name) }
            }
            var asset = Asset(organizationId: library.organizationId, libraryId: libraryId, folderId: folder?.id,
                              name: draft.name, slug: try store.uniqueAssetSlug(libraryId: libraryId, name: draft.name),
                              assetType: draft.assetType, status: library.settings.requireApproval ? .pending : .approved,
                              sourceType: .upload, createdBy: actor.name, now: now)
            asset.sourcePath = relativePath
            if !library.settings.requireApproval {
                asset.approvedBy = actor.name
                asset.approvedAt = now
            }
            apply(draft, to: &asset, technicalOnly: false)
            if let defaults = folder?.defaultMetadata {
                asset.license = asset.license ?? defaults.license
                asset.copyrightHolder = asset.copyrightHolder ?? defaults.copyrightHolder
                asset.usageRights = asset.usageRights ?? defaults.usageRights
            }
            asset = try store.insertAsset(asset)
            try store.indexContent(assetId: asset.id!, draft: draft)
            try store.fileCurrentVersion(AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: draft.blobHash, byteSize: draft.byteSize,
                                                      mimeType: draft.mimeType, originalFilename: draft.name, changeType: .initial,
                                                      createdBy: actor.name, now: now),
                                         description: draft.metadata)
            try store.attachTags(assetId: asset.id!, organizationId: library.organizationId,
                                 names: draft.tags + (folder?.defaultMetadata.tags ?? []))
            try store.log(Activity(organizationId: library.organizationId, actor: actor, action: "asset.ingested",
                                   entityType: "asset", entityId: String(asset.id!), entityTitle: asset.name,
                                   description: relativePath, now: now))
            payload.outcome = .ingested
            payload.versionNumber = 1
            job.assetId = asset.id
        }
        job.payload = try JSONValue.encoding(payload)
        if rendersNext {
            try store.markPending(assetId: job.assetId!, renditions: pendingRenditions, now: now)
            job.stage = .render
            try store.saveProgress(job, leaseSeconds: leaseSeconds, now: now)
        } else {
            try store.finish(job, status: .succeeded, now: now)
            job.status = .succeeded
        }
        return job
    }

    /// Copies extracted fields onto an asset. For a new version only technical fields change:
    /// names, descriptions and rights a person may have edited are kept unless still empty.
    static func apply(_ draft: AssetDraft, to asset: inout Asset, technicalOnly: Bool) {
        asset.mimeType = draft.mimeType
        asset.byteSize = draft.byteSize
        asset.contentHash = draft.blobHash
        asset.metadata = draft.metadata
        asset.width = draft.width
        asset.height = draft.height
        asset.durationSeconds = draft.durationSeconds
        asset.capturedAt = draft.capturedAt
        asset.cameraMake = draft.cameraMake
        asset.cameraModel = draft.cameraModel
        asset.lensModel = draft.lensModel
        asset.gpsLatitude = draft.gpsLatitude
        asset.gpsLongitude = draft.gpsLongitude
        asset.gpsAltitude = draft.gpsAltitude
        asset.videoCodec = draft.videoCodec
        asset.audioCodec = draft.audioCodec
        asset.frameRate = draft.frameRate
        asset.sampleRate = draft.sampleRate
        asset.audioChannels = draft.audioChannels
        asset.bitRate = draft.bitRate
        asset.pageCount = draft.pageCount
        asset.wordCount = draft.wordCount
        asset.layerCount = draft.layerCount
        if !technicalOnly { asset.assetType = draft.assetType }
        asset.creator = asset.creator ?? draft.creator
        asset.description = asset.description ?? draft.description
        asset.copyrightHolder = asset.copyrightHolder ?? draft.copyrightHolder
        asset.copyrightYear = asset.copyrightYear ?? draft.copyrightYear
        asset.usageRights = asset.usageRights ?? draft.usageRights
        asset.license = asset.license ?? draft.license
        asset.licenseDetails = asset.licenseDetails ?? draft.licenseDetails
    }
}

/// The rows `VersionFiling` reads and writes, inside one transaction of a catalog.
protocol VersionFilingStore {
    func library(id: Int64) throws -> Library?
    /// The library's asset at `sourcePath`, if any; locked against a concurrent version of the
    /// same path where the backend has several writers.
    func assetForNewVersion(libraryId: Int64, sourcePath: String) throws -> Asset?
    func nextVersionNumber(assetId: Int64) throws -> Int
    /// Inserts `version` as the asset's only current version, with the engine's description.
    func fileCurrentVersion(_ version: AssetVersion, description: JSONValue) throws
    /// An asset of the library whose content or any version has these bytes.
    func assetHolding(blobHash: String, libraryId: Int64) throws -> Int64?
    func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws -> Folder
    func uniqueAssetSlug(libraryId: Int64, name: String) throws -> String
    func insertAsset(_ asset: Asset) throws -> Asset
    func updateAsset(_ asset: Asset) throws
    func indexContent(assetId: Int64, draft: AssetDraft) throws
    func attachTags(assetId: Int64, organizationId: String, names: [String]) throws
    func log(_ activity: Activity) throws
    func markPending(assetId: Int64, renditions: [PlannedRendition], now: Date) throws
    func saveProgress(_ job: Job, leaseSeconds: Double, now: Date) throws
    func finish(_ job: Job, status: JobStatus, now: Date) throws
}

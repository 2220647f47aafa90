import Foundation

/// Reading assets with their versions, renditions and tags.
public protocol AssetRepository: Sendable {
    func asset(id: Int64) throws(DomainError) -> Asset?
    func assets(libraryId: Int64?, limit: Int, offset: Int) throws(DomainError) -> [Asset]
    func assetIDs(libraryId: Int64?) throws(DomainError) -> [Int64]
    func versions(assetId: Int64) throws(DomainError) -> [AssetVersion]
    func renditions(assetId: Int64) throws(DomainError) -> [Rendition]
    func tagNames(assetId: Int64) throws(DomainError) -> [String]
    func folderPath(id: Int64) throws(DomainError) -> String?
}

/// The catalog writes of the pipeline's stages. Each call is one transaction that also
/// advances or finishes the job, so a stage is applied whole or not at all.
public protocol PipelineCatalog: JobQueue, AssetRepository {
    /// Version stage: files the stored, described file as a new asset, a new version of the asset
    /// at the same path, or a duplicate of existing content. Returns the job as saved. With
    /// `rendersNext`, the asset's `pendingRenditions` are written PENDING in the same transaction
    /// (an older version's rows become PENDING, keeping their files until replaced).
    func recordVersion(job: Job, draft: AssetDraft, rendersNext: Bool, pendingRenditions: [PlannedRendition],
                       leaseSeconds: Double, now: Date) throws(DomainError) -> Job
    /// Render stage: stores the rendition rows (`updatedAt` = `now`, when they were committed) and
    /// finishes the job. PENDING rows of the asset this job was to make and did not (audio
    /// without cover art) are removed: a finished render leaves nothing PENDING.
    func recordRenditions(job: Job, renditions: [Rendition], now: Date) throws(DomainError)
    /// Render stage, first pass: stores the grid thumbnails' rows and, in the same transaction,
    /// puts the job back in the queue as saved by the caller (payload, `priority`) for the rest of
    /// its renditions: not leased, attempts counted afresh.
    func recordRenditionsAndRequeue(job: Job, renditions: [Rendition], now: Date) throws(DomainError)
    /// Render stage, a file's grid thumbnails made by the same media call as its other
    /// renditions (thumbnails first with one decode): stores their rows and saves the job as
    /// given (payload, `priority`), still RUNNING and leased to the caller for `leaseSeconds`
    /// more; `recordRenditions` commits the rest. A catalog that answers `isAlone` implements
    /// this too.
    func recordGridThumbnails(job: Job, renditions: [Rendition], leaseSeconds: Double, now: Date) throws(DomainError)
    /// Whether `job` is the only pipeline work in sight: no queued job may still need its grid
    /// thumbnails (any queued job above `Job.remainingRenditionsPriority`), and no other job of
    /// its batch is queued or running. Only then is a new file's render one decode for both
    /// passes; otherwise its first pass makes only the grid thumbnails. Without an answer, false.
    func isAlone(_ job: Job) throws(DomainError) -> Bool
    /// Records a file that failed for good, and fails the job.
    func recordFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError)
    /// Records a file whose renditions could not be made at all, and fails the job, taking back
    /// what its version stage filed: the new asset, or the new version (the previous one is
    /// current again). Returns the job as saved.
    func recordRenderFailure(job: Job, failure: IngestFailure, now: Date) throws(DomainError) -> Job
    /// Makes version `number` current again as a new RESTORE version.
    func restoreVersion(assetId: Int64, versionNumber: Int, actor: String, now: Date) throws(DomainError) -> AssetVersion
    func failures(includeResolved: Bool) throws(DomainError) -> [IngestFailure]
    func resolveFailure(id: Int64, now: Date) throws(DomainError)
}

extension PipelineCatalog {
    /// A catalog that cannot commit grid thumbnails on their own keeps every file in two passes.
    public func isAlone(_ job: Job) throws(DomainError) -> Bool { false }

    public func recordGridThumbnails(job: Job, renditions: [Rendition], leaseSeconds: Double, now: Date) throws(DomainError) {
        throw .invalidArgument("this catalog commits grid thumbnails only with a second render pass")
    }
}

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
    /// at the same path, or a duplicate of existing content. Returns the job as saved.
    func recordVersion(job: Job, draft: AssetDraft, rendersNext: Bool, leaseSeconds: Double, now: Date) throws(DomainError) -> Job
    /// Render stage: stores the rendition rows and finishes the job.
    func recordRenditions(job: Job, renditions: [Rendition], now: Date) throws(DomainError)
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

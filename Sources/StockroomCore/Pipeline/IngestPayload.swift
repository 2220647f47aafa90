import Foundation
import StockroomMedia

/// What a pipeline job carries from stage to stage. Each stage adds its result, so a job resumed
/// after a crash continues from the last finished stage without redoing it.
public struct IngestPayload: Codable, Sendable, Equatable {
    /// Where the file was found (absolute).
    public var sourcePath: String?
    /// Its path relative to the ingest root, e.g. "campaigns/summer/a.jpg": the asset's identity.
    public var relativePath: String?
    public var libraryId: Int64
    /// Folder the asset is filed in, e.g. "/base/campaigns/summer"; nil for the library root.
    public var folderPath: String?
    /// An XMP sidecar found beside the file.
    public var sidecarPath: String?
    public var actor: String?

    // STORE
    public var blobHash: String?
    public var byteSize: Int64?
    // EXTRACT
    public var description: MediaDescription?
    public var sidecarXMP: Bool?
    // VERSION
    public var outcome: IngestOutcome?
    public var versionNumber: Int?
    public var duplicateOf: Int64?
    // RENDER
    /// Render only these types; nil means every stale one.
    public var renditionTypes: [RenditionType]?
    /// Render even renditions that are up to date.
    public var force: Bool?
    public var renditionsMade: Int?
    public var renditionsFailed: Int?
    /// The grid thumbnails of this file are made and the job went back to the queue, at a lower
    /// priority, for the rest of its renditions. A failure of this second pass keeps the asset
    /// and records FAILED renditions, as a re-render does.
    public var gridThumbnailsMade: Bool?
    // Failure
    public var failedStage: PipelineStage?
    public var reason: String?

    public init(libraryId: Int64) {
        self.libraryId = libraryId
    }
}

/// How a file ended up.
public enum IngestOutcome: String, Codable, Sendable, Equatable, CaseIterable {
    /// A new asset.
    case ingested
    /// The same bytes are already in the library: no second copy.
    case duplicate
    /// Same path, new content: a new version of the existing asset.
    case newVersion = "new_version"
    /// Same path, same content as the current version: nothing to do.
    case unchanged
    case failed
    /// Renditions made again for an existing asset.
    case rerendered
}

import Foundation
import GRDB

// GRDB conformances of the domain types. The domain structs stay free of GRDB; the mapping to
// tables lives here, so a PostgreSQL catalog can bring its own.

extension Library: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "library"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let id = Column("id")
        public static let organizationId = Column("organizationId")
        public static let slug = Column("slug")
        public static let name = Column("name")
    }
}

extension Folder: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "folder"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let id = Column("id")
        public static let libraryId = Column("libraryId")
        public static let parentId = Column("parentId")
        public static let path = Column("path")
        public static let depth = Column("depth")
    }
}

extension Asset: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "asset"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let id = Column("id")
        public static let libraryId = Column("libraryId")
        public static let folderId = Column("folderId")
        public static let sourcePath = Column("sourcePath")
        public static let contentHash = Column("contentHash")
        public static let slug = Column("slug")
        public static let status = Column("status")
        public static let expiresAt = Column("expiresAt")
    }
}

extension Tag: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "tag"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let normalized = Column("normalized")
        public static let organizationId = Column("organizationId")
    }
}

/// Row of the asset ↔ tag join table.
struct AssetTagRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "asset_tag"
    var assetId: Int64
    var tagId: Int64
}

extension AssetVersion: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "asset_version"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let assetId = Column("assetId")
        public static let versionNumber = Column("versionNumber")
        public static let isCurrent = Column("isCurrent")
        public static let blobHash = Column("blobHash")
    }
}

extension Rendition: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rendition"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let assetId = Column("assetId")
        public static let renditionType = Column("renditionType")
        public static let status = Column("status")
        public static let recipeHash = Column("recipeHash")
    }
}

extension AssetCollection: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "collection"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let slug = Column("slug")
        public static let organizationId = Column("organizationId")
    }
}

extension CollectionItem: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "collection_item"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let collectionId = Column("collectionId")
        public static let assetId = Column("assetId")
        public static let sortOrder = Column("sortOrder")
    }
}

extension ShareLink: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "share_link"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let token = Column("token")
        public static let collectionId = Column("collectionId")
        public static let assetId = Column("assetId")
    }
}

extension ShareAccessEvent: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "share_access"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Comment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "comment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AssetReview: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "share_review"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Activity: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "activity"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Job: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "job"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    public enum Columns {
        public static let status = Column("status")
        public static let runAfter = Column("runAfter")
        public static let batchId = Column("batchId")
        public static let leaseExpiresAt = Column("leaseExpiresAt")
        public static let stage = Column("stage")
        public static let priority = Column("priority")
    }
}

extension APIKey: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "api_key"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension IngestFailure: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ingest_failure"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

// Enums usable directly as SQL arguments.
extension LibraryType: DatabaseValueConvertible {}
extension LibraryVisibility: DatabaseValueConvertible {}
extension AssetType: DatabaseValueConvertible {}
extension AssetStatus: DatabaseValueConvertible {}
extension AssetSourceType: DatabaseValueConvertible {}
extension LicenseType: DatabaseValueConvertible {}
extension VersionChangeType: DatabaseValueConvertible {}
extension RenditionType: DatabaseValueConvertible {}
extension RenditionStatus: DatabaseValueConvertible {}
extension CollectionType: DatabaseValueConvertible {}
extension ShareAccessLevel: DatabaseValueConvertible {}
extension ShareEventKind: DatabaseValueConvertible {}
extension PipelineStage: DatabaseValueConvertible {}
extension JobStatus: DatabaseValueConvertible {}
extension ReviewDecision: DatabaseValueConvertible {}

import Foundation

/// What `stockroom migrate` moved (its `--json` output, Docs/json.md).
public struct MigrationReport: Codable, Sendable, Equatable {
    public struct Blobs: Codable, Sendable, Equatable {
        /// Blobs in the old home.
        public var total: Int
        /// Blobs checked, sent and verified by this run (the others by an earlier run).
        public var copiedThisRun: Int
        /// Of those, how many the target did not have yet.
        public var uploaded: Int
        public var bytesThisRun: Int64
    }

    public struct Table: Codable, Sendable, Equatable {
        public var table: String
        public var sourceRows: Int
        public var targetRows: Int
    }

    public var sourceHome: String
    /// The target catalog's URL without its password.
    public var targetCatalog: String
    public var targetBlobs: String
    /// True when this run continued an interrupted one.
    public var resumed: Bool
    public var blobs: Blobs
    public var tables: [Table]
}

import Foundation

/// A Stockroom data home: the catalog, the blob store and the configuration, in one folder.
///
/// ```
/// HOME/catalog.sqlite      metadata, folder tree, jobs, share links (WAL)
/// HOME/blobs/ab/cd/<sha256> originals and renditions, content-addressed
/// HOME/stockroom.yml        settings (watch folders, limits); optional
/// ```
public struct DataHome: Sendable {
    public let root: URL
    public let catalog: SQLiteCatalog
    public let blobs: DiskBlobStore

    public var catalogURL: URL { root.appendingPathComponent("catalog.sqlite") }
    public var configURL: URL { root.appendingPathComponent("stockroom.yml") }

    /// The home named by `--home`, else `$STOCKROOM_HOME`, else `./stockroom-data`.
    public static func resolve(_ explicit: String?) -> URL {
        let path = explicit ?? ProcessInfo.processInfo.environment["STOCKROOM_HOME"] ?? "stockroom-data"
        return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public static func isInitialized(at root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("catalog.sqlite").path)
    }

    /// Creates the home if needed (idempotent) and opens it.
    public static func initialize(at root: URL) throws(DomainError) -> DataHome {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create data home \(root.path): \(error.localizedDescription)")
        }
        return try DataHome(openingAt: root, create: true)
    }

    /// Opens an existing home; fails with a hint to run `stockroom init` when there is none.
    public static func open(at root: URL) throws(DomainError) -> DataHome {
        guard isInitialized(at: root) else {
            throw .notFound("no Stockroom data home at \(root.path); run `stockroom init` first (or pass --home)")
        }
        return try DataHome(openingAt: root, create: false)
    }

    private init(openingAt root: URL, create: Bool) throws(DomainError) {
        self.root = root
        self.catalog = SQLiteCatalog(database: try CatalogDatabase(url: root.appendingPathComponent("catalog.sqlite")))
        self.blobs = try DiskBlobStore(root: root.appendingPathComponent("blobs", isDirectory: true))
    }
}

import Foundation

/// A Stockroom data home: the catalog, the blob store and the configuration, in one folder.
///
/// ```
/// HOME/catalog.sqlite      metadata, folder tree, jobs, share links (WAL); absent with `catalog: postgresql://…`
/// HOME/blobs/ab/cd/<sha256> originals and renditions, content-addressed (default blob store)
/// HOME/blob-cache/          local copies of S3 blobs, bounded (with `blobs: s3://…`)
/// HOME/stockroom.yml        settings (watch folders, limits, backends); optional
/// ```
///
/// The backends come from `BackendConfiguration` (`catalog:` and `blobs:` in stockroom.yml,
/// `STOCKROOM_CATALOG` / `STOCKROOM_BLOBS` in the environment).
public struct DataHome: Sendable {
    public let root: URL
    public let catalog: any Catalog
    public let blobs: any BlobStore
    public let backends: BackendConfiguration
    /// Outbound webhooks (`webhooks:` in stockroom.yml); empty when none are configured.
    public let webhooks: WebhookConfiguration

    public var catalogURL: URL { root.appendingPathComponent("catalog.sqlite") }

    /// The catalog when it is the SQLite one (for the tools that work on the file itself).
    public var sqliteCatalog: SQLiteCatalog? { catalog as? SQLiteCatalog }

    /// The SQLite catalog, or a clear error naming `what` needs it.
    public func requireSQLiteCatalog(_ what: String) throws(DomainError) -> SQLiteCatalog {
        guard let sqlite = sqliteCatalog else {
            throw .invalidArgument("\(what) works on a SQLite catalog; this home's catalog is \(catalog.backendName)")
        }
        return sqlite
    }
    public var configURL: URL { root.appendingPathComponent("stockroom.yml") }

    /// The home named by `--home`, else `$STOCKROOM_HOME`, else `./stockroom-data`.
    public static func resolve(_ explicit: String?) -> URL {
        let path = explicit ?? ProcessInfo.processInfo.environment["STOCKROOM_HOME"] ?? "stockroom-data"
        return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public static func isInitialized(at root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("catalog.sqlite").path)
    }

    /// Creates the home if needed (idempotent) and opens it. With an S3 blob store the bucket
    /// must exist and accept the credentials.
    public static func initialize(at root: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) -> DataHome {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create data home \(root.path): \(error.localizedDescription)")
        }
        let home = try DataHome(openingAt: root, environment: environment)
        if let s3 = home.blobs as? S3BlobStore { try s3.checkBucket() }
        return home
    }

    /// Opens an existing home; fails with a hint to run `stockroom init` when there is none.
    /// `blobCacheRoot` moves the S3 read cache (a worker keeps it in its scratch folder).
    public static func open(at root: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                            blobCacheRoot: URL? = nil) throws(DomainError) -> DataHome {
        // A home on PostgreSQL has no catalog file: a worker host's home may be an empty
        // folder with only the environment naming the shared catalog.
        let onPostgres: Bool
        if case .postgres = try BackendConfiguration.load(home: root, environment: environment).catalog { onPostgres = true } else { onPostgres = false }
        guard onPostgres || isInitialized(at: root) else {
            throw .notFound("no Stockroom data home at \(root.path); run `stockroom init` first (or pass --home)")
        }
        if onPostgres {
            do { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) } catch {
                throw .storage("cannot create data home \(root.path): \(error.localizedDescription)")
            }
        }
        return try DataHome(openingAt: root, environment: environment, blobCacheRoot: blobCacheRoot)
    }

    private init(openingAt root: URL, environment: [String: String], blobCacheRoot: URL? = nil) throws(DomainError) {
        self.root = root
        var backends = try BackendConfiguration.load(home: root, environment: environment)
        if let blobCacheRoot { backends.blobCacheRoot = blobCacheRoot }
        self.backends = backends
        self.catalog = try Self.openCatalog(backends.catalog, home: root)
        self.blobs = try backends.openBlobStore(home: root)
        // Every process that opens the home gives new endpoints their start in the activity log,
        // so an endpoint receives what happens from the moment it was configured, whoever does it.
        self.webhooks = try WebhookConfiguration.load(home: root, environment: environment)
        try catalog.registerWebhookEndpoints(webhooks.endpoints.map(\.id), now: Date())
    }

    /// The SQLite file in the home, or the PostgreSQL database the URL names (migrated on open,
    /// its job queue shared with every worker host).
    private static func openCatalog(_ catalog: BackendConfiguration.Catalog, home: URL) throws(DomainError) -> any Catalog {
        switch catalog {
        case .sqlite:
            return SQLiteCatalog(database: try CatalogDatabase(url: home.appendingPathComponent("catalog.sqlite")))
        case let .postgres(url):
            return try PostgresCatalog(url: url)
        }
    }
}

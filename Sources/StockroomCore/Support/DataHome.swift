import Foundation

/// A Stockroom data home: the catalog, the blob store and the configuration, in one folder.
///
/// ```
/// HOME/catalog.sqlite      metadata, folder tree, jobs, share links (WAL)
/// HOME/blobs/ab/cd/<sha256> originals and renditions, content-addressed (default blob store)
/// HOME/blob-cache/          local copies of S3 blobs, bounded (with `blobs: s3://…`)
/// HOME/stockroom.yml        settings (watch folders, limits, backends); optional
/// ```
///
/// The backends come from `BackendConfiguration` (`catalog:` and `blobs:` in stockroom.yml,
/// `STOCKROOM_CATALOG` / `STOCKROOM_BLOBS` in the environment).
public struct DataHome: Sendable {
    public let root: URL
    public let catalog: SQLiteCatalog
    public let blobs: any BlobStore
    public let backends: BackendConfiguration
    /// Outbound webhooks (`webhooks:` in stockroom.yml); empty when none are configured.
    public let webhooks: WebhookConfiguration

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
    public static func open(at root: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) -> DataHome {
        guard isInitialized(at: root) else {
            throw .notFound("no Stockroom data home at \(root.path); run `stockroom init` first (or pass --home)")
        }
        return try DataHome(openingAt: root, environment: environment)
    }

    private init(openingAt root: URL, environment: [String: String]) throws(DomainError) {
        self.root = root
        let backends = try BackendConfiguration.load(home: root, environment: environment)
        self.backends = backends
        self.catalog = try Self.openCatalog(backends.catalog, home: root)
        self.blobs = try backends.openBlobStore(home: root)
        // Every process that opens the home gives new endpoints their start in the activity log,
        // so an endpoint receives what happens from the moment it was configured, whoever does it.
        self.webhooks = try WebhookConfiguration.load(home: root, environment: environment)
        try catalog.registerWebhookEndpoints(webhooks.endpoints.map(\.id), now: Date())
    }

    /// The seam for the PostgreSQL catalog: until it lands, a `postgresql://` catalog is
    /// validated and then refused with a clear message rather than silently ignored.
    private static func openCatalog(_ catalog: BackendConfiguration.Catalog, home: URL) throws(DomainError) -> SQLiteCatalog {
        switch catalog {
        case .sqlite:
            return SQLiteCatalog(database: try CatalogDatabase(url: home.appendingPathComponent("catalog.sqlite")))
        case let .postgres(url):
            throw .invalidArgument("the PostgreSQL catalog is not available yet (catalog: \(url)); remove `catalog:` from stockroom.yml and STOCKROOM_CATALOG to use the SQLite catalog")
        }
    }
}

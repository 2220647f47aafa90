import Foundation
import Yams

/// Which catalog and blob store a data home uses, from `HOME/stockroom.yml` and the environment
/// (the environment wins):
///
/// ```yaml
/// catalog: postgresql://stockroom:secret@db.internal:5432/stockroom   # STOCKROOM_CATALOG; default SQLite in HOME
/// blobs: s3://media/stockroom?endpoint=http://minio:9000&region=eu-west-1&pathStyle=true   # STOCKROOM_BLOBS; default HOME/blobs
/// blobCache:                  # local copies of S3 blobs for the media engine
///   path: /var/cache/stockroom   # STOCKROOM_BLOB_CACHE; default HOME/blob-cache
///   maxSize: 20GiB               # STOCKROOM_BLOB_CACHE_SIZE; default 10GiB
/// aws:                        # only when AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set
///   accessKeyId: AKIA…
///   secretAccessKey: …
/// ```
public struct BackendConfiguration: Sendable, Equatable {
    public enum Catalog: Sendable, Equatable {
        case sqlite
        case postgres(PostgresURL)
    }

    public enum Blobs: Sendable, Equatable {
        case disk
        case s3(S3Location)
    }

    public static let defaultBlobCacheBytes: Int64 = 10 << 30

    public var catalog: Catalog
    public var blobs: Blobs
    public var blobCacheRoot: URL
    public var blobCacheBytes: Int64
    /// Credentials for S3: the environment's, else the config file's.
    public var credentials: AWSCredentials?

    /// The keys of `stockroom.yml` this type reads; the rest of the file is `HomeConfiguration`'s.
    struct FileKeys: Decodable {
        struct Cache: Decodable {
            var path: String?
            var maxSize: String?
        }

        struct AWS: Decodable {
            var accessKeyId: String?
            var secretAccessKey: String?
            var sessionToken: String?
        }

        var catalog: String?
        var blobs: String?
        var blobCache: Cache?
        var aws: AWS?
    }

    public init(catalog: Catalog = .sqlite, blobs: Blobs = .disk, blobCacheRoot: URL,
                blobCacheBytes: Int64 = BackendConfiguration.defaultBlobCacheBytes, credentials: AWSCredentials? = nil) {
        self.catalog = catalog
        self.blobs = blobs
        self.blobCacheRoot = blobCacheRoot
        self.blobCacheBytes = blobCacheBytes
        self.credentials = credentials
    }

    /// Reads `HOME/stockroom.yml` (a missing file is the defaults) and the environment.
    public static func load(home: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) -> BackendConfiguration {
        let configURL = home.appendingPathComponent("stockroom.yml")
        var file: FileKeys?
        if let text = try? String(contentsOf: configURL, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                file = try YAMLDecoder().decode(FileKeys.self, from: text)
            } catch {
                throw .invalidArgument("\(configURL.path): \(error)")
            }
        }
        func setting(_ variable: String, _ fileValue: String?) -> String? {
            if let value = environment[variable], !value.isEmpty { return value }
            return fileValue.flatMap { $0.isEmpty ? nil : $0 }
        }

        var configuration = BackendConfiguration(blobCacheRoot: home.appendingPathComponent("blob-cache", isDirectory: true))
        if let catalog = setting("STOCKROOM_CATALOG", file?.catalog) {
            configuration.catalog = try parseCatalog(catalog)
        }
        if let blobs = setting("STOCKROOM_BLOBS", file?.blobs) {
            configuration.blobs = try parseBlobs(blobs, environment: environment)
        }
        if let path = setting("STOCKROOM_BLOB_CACHE", file?.blobCache?.path) {
            configuration.blobCacheRoot = URL(fileURLWithPath: path, isDirectory: true, relativeTo: home).standardizedFileURL
        }
        if let size = setting("STOCKROOM_BLOB_CACHE_SIZE", file?.blobCache?.maxSize) {
            guard let bytes = ByteSize.parse(size) else {
                throw .invalidArgument("not a size: blobCache maxSize \(size) (e.g. 10GiB, 500MB, 1073741824)")
            }
            configuration.blobCacheBytes = bytes
        }
        configuration.credentials = AWSCredentials.fromEnvironment(environment) ?? file?.aws.flatMap { aws in
            guard let id = aws.accessKeyId, let secret = aws.secretAccessKey, !id.isEmpty, !secret.isEmpty else { return nil }
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: aws.sessionToken)
        }
        return configuration
    }

    public static func parseCatalog(_ text: String) throws(DomainError) -> Catalog {
        let lowered = text.lowercased()
        if lowered == "sqlite" { return .sqlite }
        if lowered.hasPrefix("postgresql:") || lowered.hasPrefix("postgres:") { return .postgres(try PostgresURL(text)) }
        throw .invalidArgument("unknown catalog \(PostgresURL.redacting(text)): use sqlite or postgresql://USER[:PASS]@HOST[:PORT]/DB")
    }

    public static func parseBlobs(_ text: String, environment: [String: String]) throws(DomainError) -> Blobs {
        let lowered = text.lowercased()
        if lowered == "disk" { return .disk }
        if lowered.hasPrefix("s3:") { return .s3(try S3Location(url: text, environment: environment)) }
        throw .invalidArgument("unknown blob store \(text): use disk or s3://BUCKET[/PREFIX]?endpoint=URL&region=R&pathStyle=true")
    }

    /// Opens the blob store this configuration names, for the data home at `home`.
    public func openBlobStore(home: URL) throws(DomainError) -> any BlobStore {
        switch blobs {
        case .disk:
            return try DiskBlobStore(root: home.appendingPathComponent("blobs", isDirectory: true))
        case let .s3(location):
            guard let credentials else {
                throw .invalidArgument("the S3 blob store \(location) needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or aws: in stockroom.yml)")
            }
            let cache = try BlobReadCache(root: blobCacheRoot, maxBytes: blobCacheBytes)
            return try S3BlobStore(location: location, credentials: credentials, cache: cache)
        }
    }
}

/// Sizes as people write them: `1073741824`, `500MB` (10⁶), `10GiB` (2³⁰), `1.5 TB`.
public enum ByteSize {
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let number = Double(digits), number >= 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "k": 1024, "kb": 1e3, "kib": 1024, "m": Double(1 << 20), "mb": 1e6, "mib": Double(1 << 20),
            "g": Double(1 << 30), "gb": 1e9, "gib": Double(1 << 30), "t": Double(1 << 40), "tb": 1e12, "tib": Double(1 << 40),
        ]
        guard let multiplier = multipliers[unit] else { return nil }
        let bytes = number * multiplier
        return bytes < Double(Int64.max) ? Int64(bytes) : nil
    }
}

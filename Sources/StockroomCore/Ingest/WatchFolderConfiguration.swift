import Foundation
import Yams

/// One watched folder: where files arrive, which library they go to, and what happens to them after.
public struct WatchFolderConfiguration: Codable, Sendable, Equatable {
    /// The folder to watch (absolute, or relative to the working directory).
    public var path: String
    /// Library slug.
    public var library: String
    /// Base folder in the library; `DIR/a/b.jpg` lands in `<folder>/a`.
    public var folder: String?
    /// Move ingested files here (same relative path). Default: leave them where they are.
    public var processed: String?
    /// Move failed files here with `NAME.error.json` beside them. Default: `DIR/.stockroom-failed`.
    public var failed: String?
    /// A file is ingested once its size and modification time have not changed for this long,
    /// and no write event arrived meanwhile.
    public var settleSeconds: Double
    /// Full rescans as a fallback for missed events (network file systems, overflowed queues).
    public var rescanSeconds: Double

    public init(path: String, library: String, folder: String? = nil, processed: String? = nil, failed: String? = nil,
                settleSeconds: Double = 2, rescanSeconds: Double = 60) {
        self.path = path
        self.library = library
        self.folder = folder
        self.processed = processed
        self.failed = failed
        self.settleSeconds = settleSeconds
        self.rescanSeconds = rescanSeconds
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        library = try c.decode(String.self, forKey: .library)
        folder = try c.decodeIfPresent(String.self, forKey: .folder)
        processed = try c.decodeIfPresent(String.self, forKey: .processed)
        failed = try c.decodeIfPresent(String.self, forKey: .failed)
        settleSeconds = try c.decodeIfPresent(Double.self, forKey: .settleSeconds) ?? 2
        rescanSeconds = try c.decodeIfPresent(Double.self, forKey: .rescanSeconds) ?? 60
    }

    public var rootURL: URL { URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath() }
    public var failedURL: URL { failed.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? rootURL.appendingPathComponent(".stockroom-failed", isDirectory: true) }
    public var processedURL: URL? { processed.map { URL(fileURLWithPath: $0, isDirectory: true) } }
}

/// The data home's `stockroom.yml`: settings `stockroom serve` reads, e.g.
///
/// ```yaml
/// watch:
///   - path: /srv/dropbox/brand
///     library: brand-assets
///     folder: /incoming
///     processed: /srv/dropbox/done
///     settleSeconds: 5
/// workers: 2
/// ```
public struct HomeConfiguration: Codable, Sendable, Equatable {
    public var watch: [WatchFolderConfiguration]
    public var workers: Int?

    public init(watch: [WatchFolderConfiguration] = [], workers: Int? = nil) {
        self.watch = watch
        self.workers = workers
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        watch = try c.decodeIfPresent([WatchFolderConfiguration].self, forKey: .watch) ?? []
        workers = try c.decodeIfPresent(Int.self, forKey: .workers)
    }

    /// Reads `stockroom.yml`; a missing file is an empty configuration.
    public static func load(_ url: URL) throws(DomainError) -> HomeConfiguration {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return HomeConfiguration() }
        do {
            return try YAMLDecoder().decode(HomeConfiguration.self, from: text)
        } catch {
            throw .invalidArgument("\(url.path): \(error)")
        }
    }
}

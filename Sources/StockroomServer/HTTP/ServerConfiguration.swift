import Foundation
import StockroomCore

/// How `stockroom serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Marks share-session cookies `Secure`; turn on when clients reach the server over HTTPS.
    public var secureCookies: Bool
    /// Time added before answering a wrong share password, on top of bcrypt's own cost.
    public var wrongPasswordDelay: Duration
    /// Password attempts one address may make on one link within `passwordWindow` (then 429).
    public var maxPasswordFailures: Int
    /// Password attempts all addresses together may make on one link within `passwordWindow`.
    public var maxPasswordAttemptsPerLink: Int
    public var passwordWindow: TimeInterval
    /// Public base URL for links printed by the CLI, e.g. `https://share.example.com`.
    public var publicBaseURL: String?
    /// A connection must deliver each request's head (line and headers) within this time.
    public var headerReadTimeout: Duration
    /// A connection with no request in progress is closed after this time.
    public var idleTimeout: Duration
    /// Connections served at once; further ones wait in the listen backlog.
    public var maxConnections: Int
    /// Threads for blocking work: catalog queries, blob reads, hashing.
    public var blockingThreads: Int
    /// Blobs up to this size are kept in memory once read and verified (thumbnails, previews).
    public var smallBlobMaxBytes: Int
    /// Memory for those blobs, in all.
    public var smallBlobCacheBytes: Int
    /// How often batched access-log rows are written.
    public var accessLogInterval: Duration
    /// What share-link clients may write per address and link in ten minutes (comments, decisions, picks).
    public var clientWriteLimits: [ClientActionLimiter.Action: ClientActionLimiter.Limit]
    /// Answers share-link thumbnails and previews held in memory on the event loop, from the raw
    /// bytes ahead of the HTTP/1 decoder (`ShareRenditionFastPath`); off, every request goes
    /// through Hummingbird's router.
    public var shareFastPath: Bool
    /// Counts what the fast path answered and passed on (tests, benchmarks).
    public var shareFastPathTally: ShareFastPathTally?
    /// The `Server` header of every response.
    public static let serverName = "Stockroom"

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
                wrongPasswordDelay: Duration = .seconds(1), maxPasswordFailures: Int = 5, maxPasswordAttemptsPerLink: Int = 50,
                passwordWindow: TimeInterval = 600, publicBaseURL: String? = nil, headerReadTimeout: Duration = .seconds(10),
                idleTimeout: Duration = .seconds(60), maxConnections: Int = 1_024, blockingThreads: Int = 4,
                smallBlobMaxBytes: Int = 512 * 1024, smallBlobCacheBytes: Int = 64 * 1024 * 1024,
                accessLogInterval: Duration = .milliseconds(200),
                clientWriteLimits: [ClientActionLimiter.Action: ClientActionLimiter.Limit] = ClientActionLimiter.standardLimits,
                shareFastPath: Bool = true, shareFastPathTally: ShareFastPathTally? = nil) {
        self.shareFastPath = shareFastPath
        self.shareFastPathTally = shareFastPathTally
        self.clientWriteLimits = clientWriteLimits
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.wrongPasswordDelay = wrongPasswordDelay
        self.maxPasswordFailures = maxPasswordFailures
        self.maxPasswordAttemptsPerLink = maxPasswordAttemptsPerLink
        self.passwordWindow = passwordWindow
        self.publicBaseURL = publicBaseURL
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.blockingThreads = blockingThreads
        self.smallBlobMaxBytes = smallBlobMaxBytes
        self.smallBlobCacheBytes = smallBlobCacheBytes
        self.accessLogInterval = accessLogInterval
    }
}

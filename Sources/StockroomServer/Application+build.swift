import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import StockroomCore

/// Builds the Stockroom HTTP application over a data home. `extraServices` (pipeline workers,
/// watch folders) run in the same service group and shut down gracefully with the server.
///
/// Connections get a header-read deadline, an idle timeout and a cap on how many are served at
/// once (`ServerConfiguration`); the blocking pool and the batched access log run as services
/// that stop after the server.
public func buildApplication(home: DataHome, configuration: ServerConfiguration = ServerConfiguration(),
                             extraServices: [any Service] = [], logger: Logger? = nil) throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "stockroom.server")
    if let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { logger.logLevel = level }
    let work = BlockingWork(threads: configuration.blockingThreads)
    let recorder = ShareAccessRecorder(shares: home.catalog, interval: configuration.accessLogInterval, logger: logger)
    let (router, gallery) = try buildRoutes(home: home, configuration: configuration, work: work, recorder: recorder, logger: logger)
    let fastPath = configuration.shareFastPath ? gallery : nil
    let fastPathTally = configuration.shareFastPathTally
    let headerTimeout = TimeAmount(configuration.headerReadTimeout)
    let idleTimeout = TimeAmount(configuration.idleTimeout)
    let channelLogger = logger
    let server = HTTPServerBuilder { responder in
        // The idle timeout is kept by `ConnectionDeadlines`, which also hears of the requests the
        // share-link fast path answers before Hummingbird's HTTP/1 decoder.
        StockroomHTTPChannel(http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: nil)),
                             headerTimeout: headerTimeout, idleTimeout: idleTimeout, logger: channelLogger, fastPath: fastPath,
                             fastPathTally: fastPathTally)
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: ServerConfiguration.serverName,
                             availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
        services: [work, ShareAccessLogService(recorder: recorder, work: work)]
            + (configuration.shareFastPath ? [ChangeCounterRefresh(changes: home.catalog.changes, work: work)] : [])
            + webhookServices(home) + extraServices,
        logger: logger
    )
}

/// The webhook dispatcher, when stockroom.yml configures webhooks.
func webhookServices(_ home: DataHome) -> [any Service] {
    guard !home.webhooks.endpoints.isEmpty else { return [] }
    return [WebhookService(dispatcher: WebhookDispatcher(queue: home.catalog, configuration: home.webhooks))]
}

/// The routes: `/` (status), `/health`, the gallery script, the client gallery under `/s`, and
/// the admin API under `/api/v1`.
/// Without a `recorder`, access-log rows are written as they happen (router-level tests).
public func buildRouter(home: DataHome, configuration: ServerConfiguration = ServerConfiguration()) throws -> Router<StockroomRequestContext> {
    try buildRoutes(home: home, configuration: configuration, work: BlockingWork(threads: 2), recorder: nil,
                    logger: Logger(label: "stockroom.server")).router
}

/// The router, and the gallery controller it mounts (the share-link fast path answers with it too).
func buildRoutes(home: DataHome, configuration: ServerConfiguration, work: BlockingWork, recorder: ShareAccessRecorder?,
                 logger: Logger) throws -> (router: Router<StockroomRequestContext>, gallery: GalleryController) {
    // HEAD goes through the GET handlers (they see the method and send no bytes, take nothing).
    let router = Router(context: StockroomRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ErrorResponseMiddleware())
    router.get("/health") { _, _ in "ok" }
    let catalog = home.catalog
    let status = StatusPage(count: { try catalog.assetCount() }, work: work)
    router.get("/") { request, _ in try await status.respond(request) }
    router.get(RouterPath(GalleryScript.path)) { request, _ in GalleryScript.response(request) }

    let proofTerms = ProofTermsSource(libraries: home.catalog, pipelines: PipelineDirectory.standard(home: home.root))
    let collections = CollectionService(collections: home.catalog, assets: home.catalog)
    let shares = ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, recorder: recorder,
                              proofTerms: proofTerms, reviews: home.catalog)
    let files = BlobResponder(blobs: home.blobs, work: work, verified: VerifiedBlobs(),
                              small: SmallBlobCache(maxBlobBytes: configuration.smallBlobMaxBytes, capacityBytes: configuration.smallBlobCacheBytes),
                              verifyBeforeRangeLimit: 256 * 1024 * 1024, logger: logger)
    let gallery = GalleryController(
        edge: ShareEdge(shares: shares, changes: home.catalog.changes, work: work),
        files: files,
        signer: ShareSessionSigner(secret: try ServerSecret.loadOrCreate(in: home)),
        limiter: PasswordAttemptLimiter(maxPerAddress: configuration.maxPasswordFailures,
                                        maxPerLink: configuration.maxPasswordAttemptsPerLink, window: configuration.passwordWindow),
        review: ClientReviewService(comments: home.catalog, reviews: home.catalog,
                                    limiter: ClientActionLimiter(limits: configuration.clientWriteLimits)),
        configuration: configuration
    )
    router.addRoutes(gallery.endpoints, atPath: "/s")

    let admin = AdminAPIController(
        home: home, libraries: LibraryService(libraries: home.catalog, folders: home.catalog), collections: collections,
        shares: shares, apiKeys: APIKeyService(keys: home.catalog), files: files, work: work, configuration: configuration
    )
    router.addRoutes(admin.endpoints, atPath: "/api/v1")
    return (router, gallery)
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

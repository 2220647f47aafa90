import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StockroomCore

/// Builds the Stockroom HTTP application over a data home. `extraServices` (pipeline workers,
/// watch folders) run in the same service group and shut down gracefully with the server.
public func buildApplication(home: DataHome, configuration: ServerConfiguration = ServerConfiguration(),
                             extraServices: [any Service] = [], logger: Logger? = nil) throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "stockroom.server")
    if let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { logger.logLevel = level }
    let router = try buildRouter(home: home, configuration: configuration)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Stockroom"),
        services: extraServices,
        logger: logger
    )
}

/// The routes: `/health`, the client gallery under `/s`, and the admin API under `/api/v1`.
public func buildRouter(home: DataHome, configuration: ServerConfiguration = ServerConfiguration()) throws -> Router<StockroomRequestContext> {
    let router = Router(context: StockroomRequestContext.self)
    router.add(middleware: ErrorResponseMiddleware())
    router.get("/health") { _, _ in "ok" }

    let collections = CollectionService(collections: home.catalog, assets: home.catalog)
    let shares = ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog)
    let gallery = GalleryController(
        shares: shares, blobs: home.blobs,
        signer: ShareSessionSigner(secret: try ServerSecret.loadOrCreate(in: home)),
        limiter: PasswordAttemptLimiter(maxFailures: configuration.maxPasswordFailures, window: configuration.passwordWindow),
        configuration: configuration
    )
    router.addRoutes(gallery.endpoints, atPath: "/s")

    let admin = AdminAPIController(
        home: home, libraries: LibraryService(libraries: home.catalog, folders: home.catalog), collections: collections,
        shares: shares, apiKeys: APIKeyService(keys: home.catalog), configuration: configuration
    )
    router.addRoutes(admin.endpoints, atPath: "/api/v1")
    return router
}

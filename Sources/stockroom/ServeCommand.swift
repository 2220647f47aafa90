import ArgumentParser
import Foundation
import ServiceLifecycle
import Hummingbird
import StockroomCore
import StockroomServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve share-link galleries and the admin API until SIGINT/SIGTERM."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure (when clients come over HTTPS).")
    var secureCookies = false
    @Option(name: .customLong("base-url"), help: "Public base URL used in links the API returns.") var baseURL: String?
    @Option(help: "Pipeline worker threads (default: `workers` in stockroom.yml, else one per core; 0 runs no pipeline).")
    var workers: Int?
    @Option(name: .customLong("header-timeout"), help: "Seconds a client has to send each request's head.") var headerTimeout = 10.0
    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle connection stays open.") var idleTimeout = 60.0
    @Option(name: .customLong("max-connections"), help: "Connections served at once; more wait to be accepted.") var maxConnections = 1_024
    @Flag(name: .customLong("no-share-fast-path"),
          help: "Send share-link thumbnails and previews through the router too, not the event-loop fast path (to compare).")
    var noShareFastPath = false

    func validate() throws {
        guard headerTimeout > 0, idleTimeout > 0 else { throw ValidationError("Timeouts are seconds greater than 0.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1.") }
    }
    @OptionGroup var media: MediaWorkerOptions

    func run() async throws {
        let home = try global.openHome()
        let configuration = ServerConfiguration(host: host, port: port, secureCookies: secureCookies, publicBaseURL: baseURL,
                                                headerReadTimeout: .milliseconds(Int64(headerTimeout * 1000)),
                                                idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), maxConnections: maxConnections,
                                                shareFastPath: !noShareFastPath)
        // Pipeline workers and the watch folders of stockroom.yml run beside the HTTP server.
        let settings = try HomeConfiguration.load(home.configURL)
        let workerCount = workers ?? settings.workers ?? ProcessInfo.processInfo.activeProcessorCount
        var services: [any Service] = []
        var pipeline: Pipeline?
        if workerCount > 0 {
            let printer = WatchEventPrinter(json: false)
            let made = try makePipeline(home, media: media)
            pipeline = made
            let watch = try WatchService(configurations: settings.watch, catalog: home.catalog, runner: made.runner,
                                         workers: workerCount, onEvent: printer.print)
            services.append(PipelineService(watch: watch))
        }
        defer { pipeline?.shutdown() }
        let app = try buildApplication(home: home, configuration: configuration, extraServices: services)
        try await app.runService()
    }
}

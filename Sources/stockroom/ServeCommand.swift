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
    @OptionGroup var media: MediaWorkerOptions

    func run() async throws {
        let home = try global.openHome()
        let configuration = ServerConfiguration(host: host, port: port, secureCookies: secureCookies, publicBaseURL: baseURL)
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

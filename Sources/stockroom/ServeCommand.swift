import ArgumentParser
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

    func run() async throws {
        let home = try global.openHome()
        let configuration = ServerConfiguration(host: host, port: port, secureCookies: secureCookies, publicBaseURL: baseURL)
        // Pipeline workers and watch folders join here as `extraServices`.
        let app = try buildApplication(home: home, configuration: configuration, extraServices: [])
        try await app.runService()
    }
}

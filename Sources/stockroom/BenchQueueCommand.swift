import ArgumentParser
import Foundation
import StockroomCore

/// `stockroom debug bench-queue`: job claims per second with concurrent claimers, on the data
/// home's SQLite queue or on a PostgreSQL queue in a scratch schema (dropped afterwards).
struct BenchQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-queue", abstract: "Time job claims with concurrent claimers (SQLite, or PostgreSQL with --postgres).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A PostgreSQL URL (postgresql://USER:PASS@HOST:PORT/DB); default: the data home's SQLite queue.")
    var postgres: String?
    @Option(help: "Jobs to enqueue and claim.") var jobs = 5000
    @Option(help: "Concurrent claimer threads.") var claimers = 8
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let result: JobQueueBenchmark.Result
        if let postgres {
            let url = try PostgresURL(postgres)
            let schema = "stockroom_bench_\(ProcessInfo.processInfo.processIdentifier)"
            let admin = PostgresConnectionPool(url: url, maxConnections: 1)
            try admin.createSchema(schema)
            defer {
                try? admin.dropSchema(schema)
                admin.shutdown()
            }
            let pool = PostgresConnectionPool(url: url, schema: schema, maxConnections: claimers + 1)
            defer { pool.shutdown() }
            result = try JobQueueBenchmark.run(queue: try PostgresJobQueue(pool: pool), backend: "postgresql", jobs: jobs, claimers: claimers)
        } else {
            let home = try DataHome.initialize(at: global.homeURL)
            result = try JobQueueBenchmark.run(queue: home.catalog, backend: home.catalog.backendName, jobs: jobs, claimers: claimers)
        }
        if json { return try printJSON(result) }
        printTable(["BACKEND", "JOBS", "CLAIMERS", "ENQUEUE S", "CLAIM S", "CLAIMS/S", "DUPLICATES"], [[
            result.backend, String(result.jobs), String(result.claimers), String(format: "%.2f", result.enqueueSeconds),
            String(format: "%.2f", result.claimSeconds), String(format: "%.0f", result.claimsPerSecond), String(result.duplicateClaims),
        ]])
    }
}

import ArgumentParser
import Foundation
import StockroomCore

/// Tools for development and benchmarks; hidden from help.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Development tools.", shouldDisplay: false,
        subcommands: [Seed.self, Bench.self, BenchQueueCommand.self]
    )

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill the catalog with generated assets for benchmarks (libraries bench-brand and bench-press).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Number of assets.") var assets = 100_000
        @Option(help: "Random seed; the same seed gives the same catalog.") var seed: UInt64 = 42
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try DataHome.initialize(at: global.homeURL)
            let summary = try BenchmarkCatalog.seed(into: home, assets: assets, seed: seed, onEvent: printSeedProgress)
            if json { return try printJSON(summary) }
            print("Seeded \(summary.assets) assets, \(summary.tagAssignments) tag assignments, \(summary.folders) leaf folders, \(summary.collections) collections, \(summary.shareLinks) share links.")
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time catalog operations in-process on a seeded catalog (seeds one when the home is empty).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Assets to seed when the catalog has none.") var assets = 100_000
        @Option(help: "Repetitions of the search, median reported.") var repeats = 21
        @Option(help: "A part to leave out (repeatable): half-catalog-tag (type:image), tag (library:bench-press), search, audit. For re-runs on a large seeded catalog.")
        var skip: [Part] = []

        enum Part: String, ExpressibleByArgument, CaseIterable {
            case halfCatalogTag = "half-catalog-tag", tag, search, audit
        }
        @Flag(help: "Print JSON.") var json = false

        struct Figure: Codable {
            var operation: String
            var milliseconds: Double
            var result: String
        }

        func run() throws {
            let home = try DataHome.initialize(at: global.homeURL)
            var figures: [Figure] = []
            func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
                let clock = ContinuousClock()
                var value: T?
                let elapsed = try clock.measure { value = try body() }
                return (value!, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            if try home.catalog.assetIDs(matching: .all, limit: 1).isEmpty {
                let (summary, ms) = try time { try BenchmarkCatalog.seed(into: home, assets: assets, onEvent: printSeedProgress) }
                figures.append(Figure(operation: "seed", milliseconds: ms, result: "\(summary.assets) assets, \(summary.tagAssignments) tag assignments"))
            }
            let tagging = TaggingService(tags: home.catalog)
            if !skip.contains(.halfCatalogTag) {
                let images = try AssetQuery.parse("type:image")
                let (added, addMs) = try time { try tagging.change(.add, tags: ["bench-bulk"], on: .query(images), by: .system) }
                figures.append(Figure(operation: "tag add bench-bulk --where type:image", milliseconds: addMs,
                                      result: "matched \(added.matched), changed \(added.changed)"))
                let (removed, removeMs) = try time { try tagging.change(.remove, tags: ["bench-bulk"], on: .query(images), by: .system) }
                figures.append(Figure(operation: "tag remove bench-bulk --where type:image", milliseconds: removeMs,
                                      result: "matched \(removed.matched), changed \(removed.changed)"))
            }
            // A tenth of the catalog (100 000 assets at a million): the size of the bulk tag goal.
            if !skip.contains(.tag) {
                let press = try AssetQuery.parse("library:bench-press")
                let (pressAdded, pressMs) = try time { try tagging.change(.add, tags: ["bench-bulk"], on: .query(press), by: .system) }
                figures.append(Figure(operation: "tag add bench-bulk --where library:bench-press", milliseconds: pressMs,
                                      result: "matched \(pressAdded.matched), changed \(pressAdded.changed)"))
                let (pressRemoved, pressRemoveMs) = try time { try tagging.change(.remove, tags: ["bench-bulk"], on: .query(press), by: .system) }
                figures.append(Figure(operation: "tag remove bench-bulk --where library:bench-press", milliseconds: pressRemoveMs,
                                      result: "matched \(pressRemoved.matched), changed \(pressRemoved.changed)"))
            }
            for text in ["tag:topic-7", "tag:brand", "tag:topic-7 type:image -status:pending"] where !skip.contains(.search) {
                let query = try AssetQuery.parse(text)
                var samples: [Double] = []
                var total = 0
                for _ in 0..<max(1, repeats) {
                    let (page, ms) = try time { try home.catalog.searchAssets(query, limit: 50) }
                    total = page.total
                    samples.append(ms)
                }
                figures.append(Figure(operation: "search \(text) (50 rows, median of \(samples.count))",
                                      milliseconds: samples.sorted()[samples.count / 2], result: "\(total) matching"))
            }
            if !skip.contains(.audit) {
                let (report, auditMs) = try time {
                    try LicenseService(licenses: home.catalog).audit(expiringWithin: 30 * 86_400, apply: false, by: .system)
                }
                figures.append(Figure(operation: "license audit (all classes)", milliseconds: auditMs,
                                      result: "\(report.findings.count) findings on \(report.assetsWithFindings) assets"))
            }
            if json { return try printJSON(figures) }
            printTable(["OPERATION", "MS", "RESULT"], figures.map { [$0.operation, String(format: "%.1f", $0.milliseconds), $0.result] })
        }
    }
}

/// Progress of copying a seeded catalog into PostgreSQL, on standard error, every 100 000 rows.
@Sendable func printSeedProgress(_ event: HomeMigration.Event) {
    guard case let .rows(table, done, total) = event, done == total || done % 100_000 < 5000 else { return }
    FileHandle.standardError.write(Data("copying \(table) \(done)/\(total)\n".utf8))
}

import ArgumentParser
import Foundation
import StockroomCore

struct FailuresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures", abstract: "Files that could not be ingested, with their reasons.",
        subcommands: [List.self, Retry.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List unresolved ingest failures.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include failures that were retried or dismissed.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let failures = try home.catalog.failures(includeResolved: all)
            if json { return try printJSON(failures) }
            printTable(["ID", "WHEN", "STAGE", "FILE", "REASON"], failures.map { f in
                [String(f.id!), f.occurredAt.formatted(.iso8601), f.stage.lowercased(), f.quarantinePath ?? f.sourcePath, f.reason]
            })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest failed files again (from their quarantine place if they were moved); resolved ones are marked.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Failure ids (default: all unresolved).") var ids: [Int64] = []
        @Flag(help: "Print the summary as JSON.") var json = false
        @OptionGroup var media: MediaWorkerOptions

        func run() async throws {
            let home = try global.openHome()
            let failures = try home.catalog.failures(includeResolved: false).filter { ids.isEmpty || ids.contains($0.id!) }
            let pipeline = try makePipeline(home, media: media)
            defer { pipeline.shutdown() }
            let service = IngestService(catalog: home.catalog, runner: pipeline.runner)
            var summaries: [IngestSummary] = []
            for failure in failures {
                guard let libraryId = failure.libraryId, let library = try home.catalog.library(id: libraryId) else { continue }
                let path = failure.quarantinePath ?? failure.sourcePath
                guard FileManager.default.fileExists(atPath: path) else {
                    FileHandle.standardError.write(Data("skipped failure \(failure.id!): \(path) no longer exists\n".utf8))
                    continue
                }
                try home.catalog.resolveFailure(id: failure.id!, now: Date())
                let (batchId, _) = try service.enqueue([.init(url: URL(fileURLWithPath: path), relativePath: (path as NSString).lastPathComponent)],
                                                       librarySlug: library.slug, baseFolder: nil, actor: .cli)
                summaries.append(try await service.run(batchId: batchId, workers: 1))
            }
            let failed = summaries.map(\.failed).reduce(0, +)
            if json { try printJSON(summaries) } else {
                print("retried \(summaries.count), succeeded \(summaries.count - failed), failed again \(failed)")
            }
            if failed > 0 { throw ExitCode(3) }
        }
    }
}

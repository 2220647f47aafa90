import ArgumentParser
import Foundation
import StockroomCore

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Make renditions again: stale ones (recipe or version changed), one asset's, or all.",
        discussion: "Each rendition records the hash of the recipe that made it; after editing Pipelines/*.yml, `render --stale` re-makes only what changed."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Renditions whose recipe changed, that are missing, or made from an older version.") var stale = false
    @Option(help: "Re-render every rendition of this asset.") var asset: [Int64] = []
    @Flag(help: "Re-render every asset.") var all = false
    @Option(help: "Worker threads (default: one per core).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var media: MediaWorkerOptions

    func validate() throws {
        if [stale, !asset.isEmpty, all].filter({ $0 }).count != 1 {
            throw ValidationError("say what to render: exactly one of --stale, --asset ID, --all")
        }
    }

    func run() async throws {
        let home = try global.openHome()
        let planner = RenderPlanner(catalog: home.catalog)
        let ids: [Int64] = stale ? try planner.staleAssetIds(pipelines: .standard(home: home.root))
            : all ? try home.catalog.assetIDs(libraryId: nil) : asset
        let batchId = try planner.enqueue(assetIds: ids, force: !stale)
        let pipeline = try makePipeline(home, media: media)
        defer { pipeline.shutdown() }
        pipeline.prestart(workers: min(workers, ids.count))
        let service = IngestService(catalog: home.catalog, runner: pipeline.runner)
        let (summary, stoppedBy) = try await runBatch(service, batchId: batchId, total: ids.count, workers: workers, quiet: json)
        let made = summary.files.compactMap(\.renditions).reduce(0, +)
        let failed = summary.files.compactMap(\.renditionsFailed).reduce(0, +)
        if json {
            try printJSON(RenderSummary(assets: ids.count, renditions: made, renditionsFailed: failed, failed: summary.failed, files: summary.files))
        } else {
            print("assets \(ids.count), renditions made \(made), renditions failed \(failed)" + (summary.failed > 0 ? ", assets failed \(summary.failed)" : ""))
        }
        if let stoppedBy {
            FileHandle.standardError.write(Data("stopped: \(summary.pending) \(summary.pending == 1 ? "asset remains" : "assets remain") queued; run `stockroom render` again or `stockroom serve` to finish\n".utf8))
            throw stoppedExitCode(stoppedBy)
        }
        if summary.failed > 0 { throw ExitCode(3) }
    }

    struct RenderSummary: Encodable {
        var assets: Int
        var renditions: Int
        var renditionsFailed: Int
        var failed: Int
        var files: [IngestSummary.File]
    }
}

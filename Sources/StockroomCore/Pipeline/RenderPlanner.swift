import Foundation

/// Decides which assets need renditions made again and queues render jobs for them.
public struct RenderPlanner: Sendable {
    let catalog: any Catalog

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    /// Assets with a rendition that is missing, made from an older version, or made by a recipe that
    /// has since changed (its recipe hash differs from the pipeline's). One query per library.
    public func staleAssetIds(pipelines: PipelineDirectory) throws(DomainError) -> [Int64] {
        var stale: [Int64] = []
        var definitions: [String: PipelineDefinition] = [:]
        for library in try catalog.libraries(organizationId: Organization.defaultId) {
            let name = library.pipeline ?? "default"
            let definition: PipelineDefinition
            if let cached = definitions[name] { definition = cached } else {
                definition = try pipelines.definition(named: name)
                definitions[name] = definition
            }
            guard definition.rendersRenditions else { continue }
            let wanted = Dictionary(uniqueKeysWithValues: definition.orderedRecipes.map { ($0.0, PipelineDefinition.recipeHash($0.1)) })
            // FAILED renditions are only retried when asked (`render --asset/--all`): a file that cannot
            // be decoded would otherwise be re-tried on every `--stale` run.
            stale += try catalog.assetIdsWithStaleRenditions(libraryId: library.id!, wanted: wanted)
            if let proxy = definition.videoProxy {
                stale += try catalog.videoAssetIdsWithStalePreviewVideo(libraryId: library.id!, recipeHash: PipelineDefinition.recipeHash(proxy))
            }
            if let waveform = definition.waveform {
                stale += try catalog.audioAssetIdsWithStaleRendition(libraryId: library.id!, renditionType: .waveform,
                                                                     recipeHash: PipelineDefinition.recipeHash(waveform))
            }
            if let proxy = definition.audioProxy {
                stale += try catalog.audioAssetIdsWithStaleRendition(libraryId: library.id!, renditionType: .previewAudio,
                                                                     recipeHash: PipelineDefinition.recipeHash(proxy))
            }
        }
        return Array(Set(stale)).sorted()
    }

    /// Queues one render job per asset in a new batch and returns the batch id.
    public func enqueue(assetIds: [Int64], force: Bool) throws(DomainError) -> String {
        let batchId = UUID().uuidString
        var jobs: [Job] = []
        for id in assetIds {
            guard let asset = try catalog.asset(id: id) else { throw .notFound("no asset \(id)") }
            var payload = IngestPayload(libraryId: asset.libraryId)
            payload.force = force
            payload.relativePath = asset.sourcePath ?? asset.name
            payload.outcome = .rerendered
            let encoded: JSONValue
            do { encoded = try JSONValue.encoding(payload) } catch { throw .invalidArgument("\(error)") }
            var job = Job(organizationId: asset.organizationId, stage: .render, payload: encoded, assetId: id,
                          dedupeKey: "render:\(id)", batchId: batchId)
            job.maxAttempts = 2
            jobs.append(job)
        }
        _ = try catalog.enqueue(jobs)
        return batchId
    }
}

import Foundation
import Logging
@testable import StockroomCore
import StockroomMedia
import StockroomTestSupport

/// Paths and a ready pipeline for tests that run real media through the real catalog.
enum Fixtures {
    static let repoRoot = Corpus.repositoryRoot
    static let pipelines = PipelineDirectory(searchPath: [repoRoot.appendingPathComponent("Pipelines")])

    static func corpusFile(_ relative: String) -> URL { Corpus.file(relative) }

    /// A supervisor of real `stockroom media-worker` processes. `testHooks` (a directory) turns
    /// on the workers' fault hooks (`MediaWorkerTestHook`).
    static func mediaPool(limits: MediaWorkerLimits = MediaWorkerLimits(), testHooks: URL? = nil) -> MediaWorkerPool {
        var logger = Logger(label: "test.media-worker")
        logger.logLevel = .critical
        let environment = testHooks.map { [MediaWorkerTestHook.environmentKey: $0.path] } ?? [:]
        return MediaWorkerPool(executable: StockroomExecutable.url, limits: limits, environment: environment, logger: logger)
    }

    /// The pipeline as the commands run it: media through the contained engine.
    static func runner(_ home: DataHome, pipelines: PipelineDirectory = Fixtures.pipelines, owner: LeaseOwner = .current,
                       pool: MediaWorkerPool? = nil) -> PipelineRunner {
        var logger = Logger(label: "test.pipeline")
        logger.logLevel = .critical
        let pool = pool ?? mediaPool()
        return PipelineRunner(catalog: home.catalog, blobs: home.blobs, pipelines: pipelines,
                              makeMediaEngine: { configuration in ContainedMediaEngine(configuration: configuration, pool: pool) },
                              logger: logger, owner: owner, interruptMediaWork: { pool.interrupt() })
    }

    /// A data home with one library, ready to ingest into.
    static func home(in dir: TemporaryDirectory, library: String = "Test Library", backend: CatalogBackend = .sqlite) throws -> DataHome {
        let home = try backend.initHome(at: dir.url.appendingPathComponent("home"))
        _ = try LibraryService(libraries: home.catalog, folders: home.catalog).createLibrary(name: library, by: .system)
        return home
    }

    /// Copies corpus files into a fresh folder (tests never touch the shared originals).
    static func stage(_ files: [String: String], in dir: TemporaryDirectory, folder: String = "drop") throws -> URL {
        let root = dir.url.appendingPathComponent(folder)
        for (target, source) in files {
            let destination = root.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: corpusFile(source), to: destination)
        }
        return root
    }

    static func ingest(_ paths: [URL], into home: DataHome, library: String = "test-library", folder: String? = nil,
                       workers: Int = 2, pool: MediaWorkerPool? = nil) async throws -> IngestSummary {
        let service = IngestService(catalog: home.catalog, runner: runner(home, pool: pool))
        let (batchId, _) = try service.enqueue(try IngestService.sourceFiles(paths), librarySlug: library, baseFolder: folder, actor: .system)
        return try await service.run(batchId: batchId, workers: workers)
    }
}

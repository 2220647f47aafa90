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

    static func runner(_ home: DataHome, pipelines: PipelineDirectory = Fixtures.pipelines, owner: LeaseOwner = .current) -> PipelineRunner {
        var logger = Logger(label: "test.pipeline")
        logger.logLevel = .critical
        return PipelineRunner(catalog: home.catalog, blobs: home.blobs, pipelines: pipelines,
                              makeMediaEngine: { configuration throws(MediaError) in try LibMediaEngine(configuration: configuration) },
                              logger: logger, owner: owner)
    }

    /// A data home with one library, ready to ingest into.
    static func home(in dir: TemporaryDirectory, library: String = "Test Library") throws -> DataHome {
        let home = try DataHome.initialize(at: dir.url.appendingPathComponent("home"))
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
                       workers: Int = 2) async throws -> IngestSummary {
        let service = IngestService(catalog: home.catalog, runner: runner(home))
        let (batchId, _) = try service.enqueue(try IngestService.sourceFiles(paths), librarySlug: library, baseFolder: folder, actor: .system)
        return try await service.run(batchId: batchId, workers: workers)
    }
}

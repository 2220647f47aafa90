import Foundation
import HummingbirdTesting
import Logging
import StockroomCore
import StockroomServer
import StockroomTestSupport
import Testing

/// A share of a photo whose grid thumbnails are made and whose larger renditions are still
/// PENDING (thumbnails first, issue 16): the pages render with placeholders, and with the real
/// pictures once the rest is made. The photo goes through the real pipeline (media workers).
@Suite("Gallery while larger renditions are PENDING", .serialized)
struct GalleryPendingRenditionsTests {
    private func runner(_ home: DataHome) -> PipelineRunner {
        var logger = Logger(label: "test.pipeline")
        logger.logLevel = .critical
        let pool = MediaWorkerPool(executable: StockroomExecutable.url, logger: logger)
        return PipelineRunner(catalog: home.catalog, blobs: home.blobs,
                              pipelines: PipelineDirectory(searchPath: [Corpus.repositoryRoot.appendingPathComponent("Pipelines")]),
                              makeMediaEngine: { ContainedMediaEngine(configuration: $0, pool: pool) }, logger: logger,
                              interruptMediaWork: { pool.interrupt() })
    }

    @Test("gallery, detail page and JSON show placeholders for PENDING sizes, then the pictures")
    func pendingPlaceholders() async throws {
        let fixture = try ShareFixture()
        let runner = runner(fixture.home)
        let ingest = IngestService(catalog: fixture.home.catalog, runner: runner)
        let (batchId, _) = try ingest.enqueue([IngestService.SourceFile(url: Corpus.file("images/orientation-landscape-1.jpg"), relativePath: "harbour.jpg")],
                                              librarySlug: fixture.library.slug, baseFolder: nil, actor: .system)
        // Another file waiting in a batch of its own, never run here: the photo is not alone, so its
        // render takes two passes (a file alone is made from one decode, in one call).
        _ = try ingest.enqueue([IngestService.SourceFile(url: Corpus.file("images/orientation-landscape-8.jpg"), relativePath: "waiting.jpg")],
                               librarySlug: fixture.library.slug, baseFolder: nil, actor: .system)
        // The first pass only: the job at normal priority makes the grid thumbnails and goes back to the queue.
        let first = try #require(try fixture.home.catalog.claimJob(owner: .current, leaseSeconds: 600, batchId: batchId, now: Date()))
        #expect(runner.process(first) == nil)
        let asset = try #require(try fixture.home.catalog.assets(libraryId: nil, limit: 10, offset: 0).first)
        let statuses = Dictionary(uniqueKeysWithValues: try fixture.home.catalog.renditions(assetId: asset.id!).map { ($0.renditionType, $0.status) })
        #expect(statuses[.thumbnailMedium] == .completed && statuses[.preview] == .pending && statuses[.webOptimized] == .pending)

        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!)), by: .system)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let gallery = try await client.execute(uri: "/s/\(link.token)", method: .get)
            #expect(gallery.status == .ok)
            #expect(gallery.text.contains("/s/\(link.token)/assets/\(asset.id!)/view/THUMBNAIL_MEDIUM"))
            let detail = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)", method: .get)
            #expect(detail.status == .ok)
            #expect(detail.text.contains("The full-size preview is being prepared"))
            #expect(detail.text.contains("class=\"interim\""))
            #expect(detail.text.contains("being prepared</small>"))
            let thumbnail = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)/view/THUMBNAIL_MEDIUM", method: .get)
            #expect(thumbnail.status == .ok)
            let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
            let shared = try #require((json["assets"] as? [[String: Any]])?.first)
            #expect(shared["previewPending"] as? Bool == true)
            #expect(shared["thumbnailPending"] as? Bool == false)
            #expect((shared["pendingDownloads"] as? [String])?.contains("PREVIEW") == true)
            #expect((shared["previewUrl"] as? String)?.hasSuffix("/view/THUMBNAIL_MEDIUM") == true)
        }

        await runner.run(workers: 1, batchId: batchId, untilDrained: true, onEvent: { _ in })
        #expect(try fixture.home.catalog.renditions(assetId: asset.id!).allSatisfy { $0.status == .completed })
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let detail = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)", method: .get)
            #expect(detail.status == .ok)
            #expect(!detail.text.contains("being prepared"))
            #expect(detail.text.contains("/s/\(link.token)/assets/\(asset.id!)/view/PREVIEW"))
            let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
            let shared = try #require((json["assets"] as? [[String: Any]])?.first)
            #expect(shared["previewPending"] as? Bool == false)
            #expect((shared["pendingDownloads"] as? [String])?.isEmpty == true)
        }
    }
}

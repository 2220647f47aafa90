import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomMedia
import StockroomTestSupport

@Suite("Ingest through the real pipeline (libvips, libexif, libavformat, SQLite)", .serialized)
struct IngestPipelineTests {
    let dir = TemporaryDirectory()

    private func asset(named name: String, in home: DataHome) throws -> Asset {
        try #require(try home.catalog.assets(libraryId: nil, limit: 100_000, offset: 0).first { $0.name == name })
    }

    private func renditions(_ asset: Asset, _ home: DataHome) throws -> [RenditionType: Rendition] {
        Dictionary(uniqueKeysWithValues: try home.catalog.renditions(assetId: asset.id!).map { ($0.renditionType, $0) })
    }

    @Test("every corpus image ingests with its metadata and the full rendition set", arguments: CatalogBackend.available)
    func corpusImages(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let summary = try await Fixtures.ingest([Fixtures.corpusFile("images")], into: home)
        let imageCount = try FileManager.default.contentsOfDirectory(atPath: Fixtures.corpusFile("images").path).count
        #expect(summary.ingested + summary.duplicates == imageCount)
        #expect(summary.failed == 0, "failures: \(summary.files.filter { $0.outcome == .failed })")

        for n in 1...8 {
            let a = try asset(named: "orientation-landscape-\(n).jpg", in: home)
            #expect(a.width == 1800 && a.height == 1200, "orientation \(n): \(a.width ?? 0)×\(a.height ?? 0)")
            let r = try renditions(a, home)
            #expect(r[.thumbnailLarge]?.width == 600 && r[.thumbnailLarge]?.height == 400, "orientation \(n)")
            #expect(r[.preview]?.width == 1600 && r[.preview]?.height == 1067, "orientation \(n)")
            #expect(r[.socialSquare]?.width == 1080 && r[.socialSquare]?.height == 1080)
            let story = try #require(r[.socialStory])
            #expect(story.width! * 16 == story.height! * 9, "story \(story.width ?? 0)×\(story.height ?? 0)")
            #expect(r.values.allSatisfy { $0.status == .completed })
            #expect(r[.webOptimized]?.format == "webp")
            #expect(r.count == 9)
        }
        // exif-gps.jpg declares a latitude of 4294967295° and no longitude: rejected, not stored.
        let gps = try asset(named: "exif-gps.jpg", in: home)
        #expect(gps.gpsLatitude == nil && gps.gpsLongitude == nil)
        #expect(gps.cameraMake != nil)
        let cmyk = try asset(named: "cmyk.jpg", in: home)
        #expect(try renditions(cmyk, home).values.allSatisfy { $0.status == .completed })
        let animated = try asset(named: "animated.gif", in: home)
        #expect(animated.assetType == .imageGraphic || animated.assetType == .imageIcon)
        // Every rendition's bytes are in the blob store under the hash the catalog names.
        for a in try home.catalog.assets(libraryId: nil, limit: 1000, offset: 0) {
            for r in try home.catalog.renditions(assetId: a.id!) where r.status == .completed {
                #expect(try home.blobs.verify(r.blobHash!))
            }
        }
    }

    @Test("videos and audio get durations, codecs and poster-frame or cover-art renditions", arguments: CatalogBackend.available)
    func corpusVideoAndAudio(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let summary = try await Fixtures.ingest([Fixtures.corpusFile("video"), Fixtures.corpusFile("audio")], into: home)
        #expect(summary.files.count == 9)
        for name in ["sample.mp4", "chaplin.mp4", "smpte-2997.mp4", "big-buck-bunny.webm"] {
            let a = try asset(named: name, in: home)
            #expect(a.assetType == .videoRaw)
            #expect((a.durationSeconds ?? 0) > 0, "\(name) duration")
            #expect(a.videoCodec != nil && a.width != nil)
            let r = try renditions(a, home)
            #expect(r[.thumbnailMedium]?.status == .completed, "\(name) poster frame: \(r[.thumbnailMedium]?.error ?? "missing")")
        }
        // Despite its name the file is 25 fps (251 frames in 10.04 s, as ffprobe reports).
        let smpte = try asset(named: "smpte-2997.mp4", in: home)
        #expect(abs((smpte.frameRate ?? 0) - 25) < 0.01)
        #expect(abs((try asset(named: "sample.mp4", in: home).frameRate ?? 0) - 23.976) < 0.01)
        #expect(try asset(named: "sample.mp4", in: home).videoCodec == "h264")
        let webm = try asset(named: "big-buck-bunny.webm", in: home)
        #expect(["vp8", "vp9"].contains(webm.videoCodec ?? ""))
        let mp3 = try asset(named: "with-cover-art.mp3", in: home)
        #expect(mp3.assetType == .audioMusic && mp3.audioCodec == "mp3")
        #expect(try renditions(mp3, home)[.thumbnailSmall]?.status == .completed)
        let flac = try asset(named: "silence.flac", in: home)
        #expect(flac.sampleRate != nil && flac.audioChannels != nil)
        // The damaged Matroska file is either refused with a reason or catalogued with failed renditions.
        let truncated = try #require(summary.files.first { $0.file == "truncated.mkv" })
        if truncated.outcome == .failed { #expect(truncated.reason?.isEmpty == false) }
    }

    @Test("malformed files fail with a reason, are recorded, and the batch goes on", arguments: CatalogBackend.available)
    func malformedFiles(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let drop = try Fixtures.stage([
            "good.jpg": "images/orientation-landscape-1.jpg",
            "broken.png": "malformed/broken.png", "bomb.gif": "malformed/decompression-bomb.gif",
            "truncated.gif": "malformed/truncated.gif", "truncated.jpg": "malformed/truncated.jpg",
            "zero-width.gif": "malformed/zero-width.gif", "invalid-exif.jpg": "malformed/invalid-exif.jpg",
        ], in: dir)
        try Data([0x00, 0xFF, 0x13, 0x37, 0x00, 0x01, 0xFE, 0x80, 0x00, 0x7F]).write(to: drop.appendingPathComponent("garbage.jpg"))
        // Identified by content: text named .jpg is catalogued as copy, not refused as a broken JPEG.
        try Data("just some text, not media".utf8).write(to: drop.appendingPathComponent("notes.jpg"))
        let summary = try await Fixtures.ingest([drop], into: home)
        let byFile = Dictionary(uniqueKeysWithValues: summary.files.map { ($0.file, $0) })
        #expect(byFile["good.jpg"]?.outcome == .ingested)
        #expect(byFile["bomb.gif"]?.outcome == .failed)
        #expect(byFile["bomb.gif"]?.reason?.contains("pixel limit") == true, "\(byFile["bomb.gif"]?.reason ?? "")")
        #expect(byFile["garbage.jpg"]?.outcome == .failed)
        #expect(byFile["notes.jpg"]?.outcome == .ingested)
        #expect(try asset(named: "notes.jpg", in: home).assetType == .docCopy)
        #expect(byFile["broken.png"]?.outcome == .failed)
        #expect(byFile["zero-width.gif"]?.outcome == .failed)
        for file in summary.files where file.outcome == .failed {
            #expect(file.reason?.isEmpty == false)
            #expect(file.stage != nil)
        }
        let failures = try home.catalog.failures(includeResolved: false)
        #expect(failures.count == summary.failed)
        // The originals are never touched.
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("bomb.gif").path))
    }

    @Test("same content is a duplicate; same path with new content is version 2, and version 1 is restorable", arguments: CatalogBackend.available)
    func duplicatesAndVersions(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let drop = try Fixtures.stage(["shoot/a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        let first = try await Fixtures.ingest([drop], into: home, folder: "/imports")
        #expect(first.ingested == 1)
        let original = try asset(named: "a.jpg", in: home)
        #expect(try home.catalog.folderPath(id: original.folderId!) == "/imports/shoot")

        let copy = try Fixtures.stage(["elsewhere/b.jpg": "images/orientation-landscape-1.jpg"], in: dir, folder: "copy")
        let second = try await Fixtures.ingest([copy], into: home)
        #expect(second.duplicates == 1 && second.files[0].duplicateOf == original.id)
        #expect(try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).count == 1)

        let again = try await Fixtures.ingest([drop], into: home, folder: "/imports")
        #expect(again.unchanged == 1)

        try FileManager.default.removeItem(at: drop.appendingPathComponent("shoot/a.jpg"))
        try FileManager.default.copyItem(at: Fixtures.corpusFile("images/orientation-landscape-6.jpg"), to: drop.appendingPathComponent("shoot/a.jpg"))
        let changed = try await Fixtures.ingest([drop], into: home, folder: "/imports")
        #expect(changed.versions == 1 && changed.files[0].versionNumber == 2)
        let versions = try home.catalog.versions(assetId: original.id!)
        #expect(versions.map(\.versionNumber) == [1, 2])
        #expect(versions.map(\.isCurrent) == [false, true])
        #expect(versions[1].changeType == .update)
        #expect(try renditions(original, home).values.allSatisfy { $0.versionId == versions[1].id })

        let restored = try home.catalog.restoreVersion(assetId: original.id!, versionNumber: 1, actor: "test", now: Date())
        #expect(restored.versionNumber == 3 && restored.changeType == .restore && restored.blobHash == versions[0].blobHash)
        #expect(try home.catalog.asset(id: original.id!)?.contentHash == versions[0].blobHash)
    }

    @Test("XMP keywords become tags and rights fields fill copyright and license", arguments: CatalogBackend.available)
    func xmpSidecar(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let drop = try Fixtures.stage(["photo.jpg": "images/exif-gps.jpg"], in: dir)
        let xmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">
        <dc:subject><rdf:Bag><rdf:li>Summer</rdf:li><rdf:li>brand/logo</rdf:li></rdf:Bag></dc:subject>
        <dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>
        <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2024 ACME Studio</rdf:li></rdf:Alt></dc:rights>
        <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Web use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
        <xmpRights:WebStatement>https://creativecommons.org/licenses/by/4.0/</xmpRights:WebStatement>
        </rdf:Description></rdf:RDF></x:xmpmeta>
        """
        try Data(xmp.utf8).write(to: drop.appendingPathComponent("photo.xmp"))
        let summary = try await Fixtures.ingest([drop], into: home)
        #expect(summary.ingested == 1 && summary.files.count == 1)
        let a = try asset(named: "photo.jpg", in: home)
        #expect(try home.catalog.tagNames(assetId: a.id!) == ["brand/logo", "Summer"])
        #expect(a.copyrightHolder == "ACME Studio" && a.copyrightYear == 2024)
        #expect(a.creator == "Jane Doe")
        #expect(a.usageRights == "Web use only")
        #expect(a.license == .creativeCommons)
    }

    @Test("a run killed mid-batch resumes: every file exactly once, no half blobs")
    func crashResume() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage([
            "1.jpg": "images/orientation-landscape-1.jpg", "2.jpg": "images/orientation-landscape-2.jpg",
            "3.jpg": "images/orientation-landscape-3.jpg", "4.png": "images/sample.png",
        ], in: dir)
        // A process that died after claiming two jobs and storing one blob.
        let dead = LeaseOwner(host: ProcessInfo.processInfo.hostName, pid: 999_999_9, nonce: "killed")
        let deadRunner = Fixtures.runner(home, owner: dead)
        let service = IngestService(catalog: home.catalog, runner: deadRunner)
        let (batch, _) = try service.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        let claimed = try #require(try home.catalog.claimJob(owner: dead, leaseSeconds: 3600, batchId: batch, now: Date()))
        _ = try home.catalog.claimJob(owner: dead, leaseSeconds: 3600, batchId: batch, now: Date())
        var stored = claimed
        var payload = try stored.payload.decode(IngestPayload.self)
        let blob = try home.blobs.put(contentsOf: URL(fileURLWithPath: payload.sourcePath!))
        payload.blobHash = blob.hash
        payload.byteSize = blob.byteSize
        stored.stage = .extract
        stored.payload = try JSONValue.encoding(payload)
        try home.catalog.saveProgress(stored, leaseSeconds: 3600, now: Date())

        // The restarted run enqueues the same files again and finishes the batch.
        let restarted = IngestService(catalog: home.catalog, runner: Fixtures.runner(home))
        let (batch2, jobs) = try restarted.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        #expect(jobs.count == 4)
        let summary = try await restarted.run(batchId: batch2, workers: 2)
        #expect(summary.ingested == 4 && summary.failed == 0 && summary.pending == 0)
        #expect(try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).count == 4)
        let versions = try await home.sqliteCatalog!.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asset_version")! }
        #expect(versions == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: try #require(home.blobs as? DiskBlobStore).root.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("a running pipeline (as under serve) uses a pipeline file's edits without a restart", arguments: CatalogBackend.available)
    func runnerRereadsEditedPipeline(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let pipelineDir = dir.url.appendingPathComponent("live-pipelines")
        try FileManager.default.createDirectory(at: pipelineDir, withIntermediateDirectories: true)
        let file = pipelineDir.appendingPathComponent("default.yml")
        let original = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"), encoding: .utf8)
        try Data(original.utf8).write(to: file)
        let pipelines = PipelineDirectory(searchPath: [pipelineDir])
        let runner = Fixtures.runner(home, pipelines: pipelines)

        let drop = try Fixtures.stage(["a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        let service = IngestService(catalog: home.catalog, runner: runner)
        let (batchId, _) = try service.enqueue(try IngestService.sourceFiles([drop]), librarySlug: "test-library", baseFolder: nil, actor: .system)
        _ = try await service.run(batchId: batchId, workers: 1)
        let a = try asset(named: "a.jpg", in: home)
        #expect(try renditions(a, home)[.thumbnailSmall]?.width == 150)

        try Data(original.replacingOccurrences(of: "  THUMBNAIL_SMALL:\n    size: 150", with: "  THUMBNAIL_SMALL:\n    size: 100").utf8).write(to: file)
        // File systems with coarse timestamps: make the edit visibly newer.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file.path)
        let planner = RenderPlanner(catalog: home.catalog)
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [a.id!])
        let batch = try planner.enqueue(assetIds: [a.id!], force: false)
        await runner.run(workers: 1, batchId: batch, untilDrained: true, onEvent: { _ in })
        #expect(try renditions(a, home)[.thumbnailSmall]?.width == 100)
        #expect(try planner.staleAssetIds(pipelines: pipelines).isEmpty)
    }

    @Test("render --stale re-makes only renditions whose recipe changed")
    func staleRenditions() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        _ = try await Fixtures.ingest([drop], into: home)
        let a = try asset(named: "a.jpg", in: home)
        let before = try renditions(a, home)
        let planner = RenderPlanner(catalog: home.catalog)
        #expect(try planner.staleAssetIds(pipelines: Fixtures.pipelines).isEmpty)

        let edited = dir.url.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: edited, withIntermediateDirectories: true)
        let yaml = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"), encoding: .utf8)
            .replacingOccurrences(of: "  THUMBNAIL_SMALL:\n    size: 150", with: "  THUMBNAIL_SMALL:\n    size: 120")
        try Data(yaml.utf8).write(to: edited.appendingPathComponent("default.yml"))
        let pipelines = PipelineDirectory(searchPath: [edited])
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [a.id!])

        let batch = try planner.enqueue(assetIds: [a.id!], force: false)
        await Fixtures.runner(home, pipelines: pipelines).run(workers: 1, batchId: batch, untilDrained: true, onEvent: { _ in })
        let after = try renditions(a, home)
        #expect(after[.thumbnailSmall]?.width == 120)
        #expect(after[.thumbnailSmall]?.recipeHash != before[.thumbnailSmall]?.recipeHash)
        for type in RenditionType.allCases where type != .thumbnailSmall {
            #expect(after[type]?.updatedAt == before[type]?.updatedAt, "\(type) should not be re-made")
        }
        #expect(try planner.staleAssetIds(pipelines: pipelines).isEmpty)

        // A missing rendition, or one made from an older version, is stale too.
        try await home.sqliteCatalog!.database.writer.write { db in
            try db.execute(sql: "DELETE FROM rendition WHERE assetId = ? AND renditionType = 'LOW_RES'", arguments: [a.id!])
        }
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [a.id!])
        let batch2 = try planner.enqueue(assetIds: [a.id!], force: false)
        await Fixtures.runner(home, pipelines: pipelines).run(workers: 1, batchId: batch2, untilDrained: true, onEvent: { _ in })
        #expect(try planner.staleAssetIds(pipelines: pipelines).isEmpty)
        try await home.sqliteCatalog!.database.writer.write { db in
            try db.execute(sql: "UPDATE asset_version SET isCurrent = 0 WHERE assetId = ?", arguments: [a.id!])
            try db.execute(sql: """
                INSERT INTO asset_version (assetId, versionNumber, blobHash, byteSize, mimeType, originalFilename, changeType, isCurrent, createdBy, createdAt)
                SELECT assetId, versionNumber + 1, blobHash, byteSize, mimeType, originalFilename, changeType, 1, createdBy, createdAt
                FROM asset_version WHERE assetId = ? ORDER BY versionNumber DESC LIMIT 1
                """, arguments: [a.id!])
        }
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [a.id!])
    }
}

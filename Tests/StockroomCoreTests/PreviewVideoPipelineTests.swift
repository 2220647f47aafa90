import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport
import Testing

/// PREVIEW_VIDEO through the pipeline as the commands run it (media in `stockroom media-worker`
/// processes): an ingested video gets an H.264/AAC MP4 at the recipe's height and duration,
/// images get none, and a changed recipe re-renders only that rendition.
let installedFFprobe = ["/usr/bin/ffprobe", "/usr/local/bin/ffprobe"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Preview video through the contained pipeline", .enabled(if: installedFFprobe != nil, "needs the ffprobe command"))
struct PreviewVideoPipelineTests {
    let dir = TemporaryDirectory("stockroom-preview-video")

    static var ffprobe: String? { installedFFprobe }

    func asset(named name: String, in home: DataHome) throws -> Asset {
        try #require(try home.sqliteCatalog!.database.writer.read { db in try Asset.filter(Column("name") == name).fetchOne(db) })
    }

    func renditions(_ asset: Asset, _ home: DataHome) throws -> [RenditionType: Rendition] {
        Dictionary(uniqueKeysWithValues: try home.sqliteCatalog!.renditions(assetId: asset.id!).map { ($0.renditionType, $0) })
    }

    /// `codec_type=codec_name` per stream, the video's height and the container's duration.
    func probe(_ rendition: Rendition, _ home: DataHome) throws -> (codecs: Set<String>, height: Int?, duration: Double) {
        let file = try home.blobs.localFile(for: try #require(rendition.blobHash))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.ffprobe))
        process.arguments = ["-v", "error", "-show_entries", "stream=codec_type,codec_name,height:format=duration", "-of", "json", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let streams = root["streams"] as? [[String: Any]] ?? []
        let codecs = Set(streams.compactMap { s in (s["codec_type"] as? String).flatMap { t in (s["codec_name"] as? String).map { "\(t)=\($0)" } } })
        let height = streams.first { $0["codec_type"] as? String == "video" }?["height"] as? Int
        let duration = Double((root["format"] as? [String: Any])?["duration"] as? String ?? "") ?? -1
        return (codecs, height, duration)
    }

    @Test func videosGetAPlayableProxyAndARecipeChangeRemakesOnlyIt() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["clip.mp4": "video/smpte-2997.mp4", "still.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        _ = try await Fixtures.ingest([drop], into: home)
        let clip = try asset(named: "clip.mp4", in: home)
        let before = try renditions(clip, home)
        let proxy = try #require(before[.previewVideo])
        #expect(proxy.status == .completed, "\(proxy.error ?? "")")
        #expect(proxy.format == "mp4")
        // 1920×1080 source, default recipe: 720 high, the first 10 s.
        #expect(proxy.height == 720 && proxy.width == 1280)
        let probed = try probe(proxy, home)
        #expect(probed.codecs == ["video=h264", "audio=aac"])
        #expect(probed.height == 720)
        #expect(abs(probed.duration - 10) < 0.1, "duration \(probed.duration)")
        #expect(before[.thumbnailMedium]?.status == .completed, "the poster stays")
        #expect(try renditions(try asset(named: "still.jpg", in: home), home)[.previewVideo] == nil, "images get no preview video")

        let planner = RenderPlanner(catalog: home.sqliteCatalog!)
        #expect(try planner.staleAssetIds(pipelines: Fixtures.pipelines).isEmpty)
        let edited = dir.url.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: edited, withIntermediateDirectories: true)
        let yaml = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"), encoding: .utf8)
            .replacingOccurrences(of: "    maxHeight: 720\n    duration: 10", with: "    maxHeight: 240\n    duration: 4")
        #expect(yaml.contains("maxHeight: 240"))
        try Data(yaml.utf8).write(to: edited.appendingPathComponent("default.yml"))
        let pipelines = PipelineDirectory(searchPath: [edited])
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [clip.id!])

        let batch = try planner.enqueue(assetIds: [clip.id!], force: false)
        await Fixtures.runner(home, pipelines: pipelines).run(workers: 1, batchId: batch, untilDrained: true, onEvent: { _ in })
        let after = try renditions(clip, home)
        let remade = try #require(after[.previewVideo])
        #expect(remade.status == .completed && remade.height == 240)
        #expect(remade.recipeHash != proxy.recipeHash)
        let again = try probe(remade, home)
        #expect(again.height == 240 && abs(again.duration - 4) < 0.1, "\(again)")
        for type in RenditionType.allCases where type != .previewVideo {
            #expect(after[type]?.updatedAt == before[type]?.updatedAt, "\(type) should not be re-made")
        }
        #expect(try planner.staleAssetIds(pipelines: pipelines).isEmpty)
    }
}

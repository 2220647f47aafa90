import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport
import Testing

/// WAVEFORM and PREVIEW_AUDIO through the pipeline as the commands run it (media in
/// `stockroom media-worker` processes): audio files get both, the one without cover art gets its
/// thumbnails from its waveform, videos get neither, and a changed WAVEFORM recipe re-renders
/// only that rendition.
let installedFFmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Audio renditions through the contained pipeline",
       .enabled(if: installedFFprobe != nil && installedFFmpeg != nil, "needs the ffmpeg and ffprobe commands"))
struct AudioRenditionPipelineTests {
    let dir = TemporaryDirectory("stockroom-audio-renditions")

    func asset(named name: String, in home: DataHome) throws -> Asset {
        try #require(try home.sqliteCatalog!.database.writer.read { db in try Asset.filter(Column("name") == name).fetchOne(db) })
    }

    func renditions(_ asset: Asset, _ home: DataHome) throws -> [RenditionType: Rendition] {
        Dictionary(uniqueKeysWithValues: try home.sqliteCatalog!.renditions(assetId: asset.id!).map { ($0.renditionType, $0) })
    }

    @Test func audioGetsAWaveformAndAPlayableProxyAndARecipeChangeRemakesOnlyTheWaveform() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = try Fixtures.stage(["art.mp3": "audio/with-cover-art.mp3", "clip.mp4": "video/sample.mp4"], in: dir)
        // An AIFF, which browsers do not play, without cover art: 3 s of tone.
        _ = try ServerEnvironment.output(of: installedFFmpeg!, [
            "-v", "error", "-f", "lavfi", "-i", "aevalsrc=0.8*sin(2*PI*440*t):s=44100:d=3", "-c:a", "pcm_s16be", "-y",
            drop.appendingPathComponent("tone.aiff").path,
        ])
        _ = try await Fixtures.ingest([drop], into: home)

        let tone = try asset(named: "tone.aiff", in: home), art = try asset(named: "art.mp3", in: home)
        let before = try renditions(tone, home)
        let waveform = try #require(before[.waveform])
        #expect(waveform.status == .completed, "\(waveform.error ?? "")")
        #expect(waveform.width == 1200 && waveform.height == 240 && waveform.format == "png")
        let proxy = try #require(before[.previewAudio])
        #expect(proxy.status == .completed, "\(proxy.error ?? "")")
        #expect(proxy.format == "m4a")
        #expect(abs((proxy.durationSeconds ?? 0) - 3) < 0.05)
        let probed = try ServerEnvironment.output(of: installedFFprobe!, [
            "-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration", "-of", "csv=p=0",
            try home.blobs.localFile(for: try #require(proxy.blobHash)).path,
        ])
        let lines = probed.split(separator: "\n").map(String.init)
        #expect(lines.first == "aac,audio" && lines.count == 2, "\(lines)")
        #expect(abs((Double(lines.last ?? "") ?? 0) - 3) < 0.1, "\(lines)")
        #expect(before[.thumbnailMedium]?.status == .completed, "the waveform stands in for cover art")
        #expect(try renditions(art, home)[.waveform]?.status == .completed)
        #expect(try renditions(art, home)[.thumbnailMedium]?.status == .completed)
        let video = try renditions(try asset(named: "clip.mp4", in: home), home)
        #expect(video[.waveform] == nil && video[.previewAudio] == nil, "videos play their PREVIEW_VIDEO")

        let planner = RenderPlanner(catalog: home.sqliteCatalog!)
        #expect(try planner.staleAssetIds(pipelines: Fixtures.pipelines).isEmpty)
        let edited = dir.url.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: edited, withIntermediateDirectories: true)
        let yaml = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"), encoding: .utf8)
            .replacingOccurrences(of: "    width: 1200\n    height: 240", with: "    width: 600\n    height: 120")
        #expect(yaml.contains("width: 600"))
        try Data(yaml.utf8).write(to: edited.appendingPathComponent("default.yml"))
        let pipelines = PipelineDirectory(searchPath: [edited])
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [art.id!, tone.id!].sorted())

        let batch = try planner.enqueue(assetIds: [tone.id!], force: false)
        await Fixtures.runner(home, pipelines: pipelines).run(workers: 1, batchId: batch, untilDrained: true, onEvent: { _ in })
        let after = try renditions(tone, home)
        let remade = try #require(after[.waveform])
        #expect(remade.status == .completed && remade.width == 600 && remade.height == 120)
        #expect(remade.recipeHash != waveform.recipeHash)
        for type in RenditionType.allCases where type != .waveform {
            #expect(after[type]?.updatedAt == before[type]?.updatedAt, "\(type) should not be re-made")
        }
        #expect(try planner.staleAssetIds(pipelines: pipelines) == [art.id!])
    }
}

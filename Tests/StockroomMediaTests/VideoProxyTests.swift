import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// PREVIEW_VIDEO through the real libavcodec: a 14 s 1280×720 clip with a tone, made by the
/// ffmpeg command, becomes an H.264/AAC MP4 that ffprobe reads back with the recipe's height and
/// duration, its index before its data.
/// The ffmpeg and ffprobe commands (scripts/install-deps test installs them).
let videoTools: (ffmpeg: String, ffprobe: String)? = {
    guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
          let ffprobe = ["/usr/bin/ffprobe", "/usr/local/bin/ffprobe"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return nil }
    return (ffmpeg, ffprobe)
}()

@Suite("Preview video (H.264/AAC proxy)", .enabled(if: videoTools != nil, "needs the ffmpeg and ffprobe commands"))
struct VideoProxyTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    static var tools: (ffmpeg: String, ffprobe: String)? { videoTools }

    init() throws {
        engine = try LibMediaEngine()
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ServerEnvironment.output(of: tool, arguments)
    }

    /// Codec, size and duration of each stream, and the container's duration, as ffprobe reads them.
    struct Probe {
        var streams: [[String: Any]]
        var duration: Double

        func stream(_ type: String) -> [String: Any]? { streams.first { $0["codec_type"] as? String == type } }
    }

    static func probe(_ file: URL) throws -> Probe {
        let json = try run(tools!.ffprobe, ["-v", "error", "-show_streams", "-show_format", "-of", "json", file.path])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let streams = root["streams"] as? [[String: Any]] ?? []
        let duration = Double((root["format"] as? [String: Any])?["duration"] as? String ?? "") ?? -1
        return Probe(streams: streams, duration: duration)
    }

    /// A 1280×720, 25 fps test pattern with a 440 Hz tone, `seconds` long, in MPEG-4 Part 2 and PCM
    /// (neither is what the proxy writes, so nothing passes through untouched).
    func clip(seconds: Int, name: String = "clip.mov") throws -> URL {
        let file = directory.file(name)
        _ = try Self.run(Self.tools!.ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)",
            "-c:v", "mpeg4", "-q:v", "6", "-c:a", "pcm_s16le", "-shortest", "-y", file.path,
        ])
        return file
    }

    @Test func theProxyIsH264AndAACAtTheRecipesHeightAndDuration() throws {
        let source = try clip(seconds: 14)
        let output = directory.file("proxy.mp4")
        let facts = try engine.makeVideoProxy(fileAt: source, recipe: VideoProxyRecipe(maxHeight: 360, durationSeconds: 10), to: output)
        #expect(facts.width == 640 && facts.height == 360)
        #expect(abs(facts.durationSeconds - 10) < 0.05)
        #expect(facts.hasAudio)

        let probe = try Self.probe(output)
        let video = try #require(probe.stream("video"))
        #expect(video["codec_name"] as? String == "h264")
        #expect(video["pix_fmt"] as? String == "yuv420p")
        #expect(video["width"] as? Int == 640 && video["height"] as? Int == 360)
        let audio = try #require(probe.stream("audio"))
        #expect(audio["codec_name"] as? String == "aac")
        #expect(abs(probe.duration - 10) < 0.1, "duration \(probe.duration)")
        // The index (moov) comes before the data (mdat): a browser plays from the first bytes.
        let head = try FileHandle(forReadingFrom: output).read(upToCount: 64 << 10) ?? Data()
        let moov = try #require(head.range(of: Data("moov".utf8)))
        if let mdat = head.range(of: Data("mdat".utf8)) { #expect(moov.lowerBound < mdat.lowerBound) }
    }

    @Test func fullKeepsEverySecondAndNothingIsUpscaled() throws {
        let source = try clip(seconds: 4)
        let output = directory.file("full.mp4")
        let facts = try engine.makeVideoProxy(fileAt: source, recipe: VideoProxyRecipe(maxHeight: 1080, durationSeconds: nil), to: output)
        #expect(facts.width == 1280 && facts.height == 720)
        let probe = try Self.probe(output)
        #expect(abs(probe.duration - 4) < 0.1, "duration \(probe.duration)")
        #expect(probe.stream("video")?["height"] as? Int == 720)
    }

    @Test func portraitPhoneVideoKeepsItsRotationAndItsHeight() throws {
        // As phones write it: landscape pixels and a display matrix turning them upright.
        let rotated = directory.file("rotated.mp4")
        _ = try Self.run(Self.tools!.ffmpeg, ["-v", "error", "-i", Corpus.file("video/chaplin.mp4").path, "-t", "2", "-c", "copy",
                                              "-metadata:s:v:0", "rotate=90", "-y", rotated.path])
        let output = directory.file("upright.mp4")
        let facts = try engine.makeVideoProxy(fileAt: rotated, recipe: VideoProxyRecipe(maxHeight: 360), to: output)
        #expect(facts.height == 360 && facts.width < facts.height, "\(facts)")
        let video = try #require(try Self.probe(output).stream("video"))
        let sideData = video["side_data_list"] as? [[String: Any]] ?? []
        #expect(sideData.contains { ($0["rotation"] as? Int).map { abs($0) == 90 } == true }, "\(sideData)")
    }

    @Test func corpusVideosAndRefusals() throws {
        for name in ["video/sample.mp4", "video/big-buck-bunny.webm", "video/smpte-2997.mp4", "video/no-duration.webm"] {
            let output = directory.file((name as NSString).lastPathComponent + ".mp4")
            let facts = try engine.makeVideoProxy(fileAt: Corpus.file(name), recipe: VideoProxyRecipe(maxHeight: 240, durationSeconds: 3), to: output)
            #expect(facts.height <= 240 && facts.durationSeconds <= 3.05, "\(name): \(facts)")
            #expect(try Self.probe(output).stream("video")?["codec_name"] as? String == "h264", "\(name)")
        }
        // A picture is not a video; a truncated Matroska file is refused with a reason.
        #expect(throws: MediaError.self) {
            try engine.makeVideoProxy(fileAt: Corpus.file("images/sample.png"), recipe: VideoProxyRecipe(), to: directory.file("png.mp4"))
        }
        do {
            _ = try engine.makeVideoProxy(fileAt: Corpus.file("video/truncated.mkv"), recipe: VideoProxyRecipe(), to: directory.file("t.mp4"))
            Issue.record("a truncated file made a preview video")
        } catch {
            #expect(!error.description.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: directory.file("t.mp4").path))
        }
    }

    /// The transcoder's own pixel limit, as the poster's: a Matroska file whose header declares
    /// 16000 × 16000 raw frames (256 MP, over the default 200 MP limit; made here from a 256 × 256
    /// clip by rewriting the track's PixelWidth and PixelHeight) is refused by its declared size
    /// before a frame is decoded, and so is an honest 1280 × 720 clip under a 0.5 MP limit.
    @Test func theTranscoderRefusesFramesOverThePixelLimit() throws {
        let raw = directory.file("raw.mkv")
        _ = try Self.run(Self.tools!.ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=256x256:rate=5:duration=1", "-c:v", "rawvideo", "-pix_fmt", "yuv420p",
            "-y", raw.path,
        ])
        var bytes = try Data(contentsOf: raw)
        for element in [[0xB0, 0x82, 0x01, 0x00], [0xBA, 0x82, 0x01, 0x00]] as [[UInt8]] {
            let found = try #require(bytes.range(of: Data(element)), "PixelWidth/PixelHeight of 256")
            bytes.replaceSubrange((found.lowerBound + 2)..<found.upperBound, with: [0x3E, 0x80])
        }
        let bomb = directory.file("bomb.mkv")
        try bytes.write(to: bomb)
        let output = directory.file("bomb.mp4")
        #expect(throws: MediaError.tooManyPixels(width: 16000, height: 16000, pages: 1, limit: 200_000_000)) {
            try engine.makeVideoProxy(fileAt: bomb, recipe: VideoProxyRecipe(maxHeight: 360, durationSeconds: 1), to: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let strict = try LibMediaEngine(configuration: MediaEngineConfiguration(maxPixels: 500_000))
        #expect(throws: MediaError.tooManyPixels(width: 1280, height: 720, pages: 1, limit: 500_000)) {
            try strict.makeVideoProxy(fileAt: try clip(seconds: 1), recipe: VideoProxyRecipe(maxHeight: 360, durationSeconds: 1), to: output)
        }
    }
}

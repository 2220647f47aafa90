import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("Audio and video")
struct AudioVideoTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine()
    }

    private func posters(_ path: String) throws -> [RenderedImage] {
        let url = Corpus.file(path)
        let description = try engine.describe(fileAt: url, sidecar: nil)
        return try engine.render(fileAt: url, description: description, recipes: [
            RenditionRecipe(name: "POSTER", width: 640),
            RenditionRecipe(name: "SQUARE", width: 300, height: 300, fit: .cover, format: .webp),
        ]).map { outcome in
            guard case let .rendered(image) = outcome else { throw MediaError.vips("\(outcome)") }
            return image
        }
    }

    @Test func h264MP4() throws {
        let description = try engine.describe(fileAt: Corpus.file("video/sample.mp4"), sidecar: nil)
        #expect(description.kind == .video)
        #expect(description.format == "mp4")
        #expect(description.mimeType == "video/mp4")
        let av = try #require(description.av)
        #expect(av.container == "mov,mp4,m4a,3gp,3g2,mj2")
        #expect(abs(try #require(av.durationSeconds) - 0.98) < 0.01)
        #expect((av.bitRate ?? 0) > 3_000_000)
        let video = try #require(av.firstVideo)
        #expect(video.codec == "h264")
        #expect(video.codecLongName?.contains("H.264") == true)
        #expect(video.width == 1920 && video.height == 1080)
        #expect(abs(try #require(video.frameRate) - 23.976) < 0.001)
        #expect(video.pixelFormat == "yuv420p")
        #expect(video.rotation == 0)
        let audio = try #require(av.firstAudio)
        #expect(audio.codec == "aac")
        #expect(audio.sampleRate == 48000)
        #expect(audio.channels == 2)
        #expect(audio.channelLayout == "stereo")
        #expect(av.tags["creation_time"] == "2016-02-06T00:53:22.000000Z")
        #expect(!av.hasCoverArt)
    }

    @Test func chaplin() throws {
        let av = try #require(try engine.describe(fileAt: Corpus.file("video/chaplin.mp4"), sidecar: nil).av)
        #expect(abs(try #require(av.durationSeconds) - 9.64) < 0.01)
        #expect(av.firstVideo?.width == 640 && av.firstVideo?.height == 360)
        #expect(av.firstVideo?.frameRate == 25)
        #expect(av.firstAudio?.codec == "mp3")
        #expect(av.tags["encoder"] == "Lavf57.25.100")
    }

    @Test func smpteClipFrameRate() throws {
        // Despite its name, this clip's stream runs at 25 fps (251 frames in 10.04 s): the test
        // reads what the file holds.
        let av = try #require(try engine.describe(fileAt: Corpus.file("video/smpte-2997.mp4"), sidecar: nil).av)
        #expect(av.firstVideo?.frameRate == 25)
        #expect(abs(try #require(av.durationSeconds) - 10.048) < 0.01)
    }

    @Test func webmVP8AndVP9() throws {
        let bunny = try engine.describe(fileAt: Corpus.file("video/big-buck-bunny.webm"), sidecar: nil)
        #expect(bunny.format == "webm")
        #expect(bunny.mimeType == "video/webm")
        #expect(bunny.av?.firstVideo?.codec == "vp8")
        #expect(bunny.av?.firstVideo?.width == 1280)
        #expect(bunny.av?.firstAudio?.codec == "vorbis")
        #expect(abs((bunny.av?.durationSeconds ?? 0) - 1.0) < 0.01)

        let noDuration = try engine.describe(fileAt: Corpus.file("video/no-duration.webm"), sidecar: nil)
        #expect(noDuration.kind == .video)
        #expect(noDuration.av?.firstVideo?.codec == "vp9")
        #expect(noDuration.av?.firstAudio?.codec == "opus")
        // The container declares no duration and no stream does either.
        #expect(noDuration.av?.durationSeconds == nil)
        #expect(abs((noDuration.av?.firstVideo?.frameRate ?? 0) - 14.985) < 0.001)
    }

    @Test("poster frames are real pictures, not black", arguments: [
        ("video/sample.mp4", 24.0), ("video/chaplin.mp4", 24), ("video/smpte-2997.mp4", 24), ("video/big-buck-bunny.webm", 24),
        // A dark webcam clip from start to end: its brightest frame averages about 6/255.
        ("video/no-duration.webm", 2),
    ])
    func posterFrames(path: String, minimumMean: Double) throws {
        let rendered = try posters(path)
        #expect(rendered.count == 2)
        let poster = try DecodedImage(rendered[0].data, in: directory)
        #expect(poster.width == 640)
        #expect(try poster.mean() > minimumMean, "poster of \(path) is black")
        #expect(rendered[1].width == 300 && rendered[1].height == 300)
    }

    @Test func mp3CoverArt() throws {
        let description = try engine.describe(fileAt: Corpus.file("audio/with-cover-art.mp3"), sidecar: nil)
        #expect(description.kind == .audio)
        #expect(description.format == "mp3")
        #expect(description.mimeType == "audio/mpeg")
        let av = try #require(description.av)
        #expect(av.hasCoverArt)
        #expect(av.tags["title"] == "Roulette X Roulette (Kurumi ver.)")
        #expect(av.tags["album"] == "Roulette X Roulette")
        let art = try #require(av.streams.first { $0.isAttachedPicture })
        #expect(art.width == 1618 && art.height == 1381)

        let rendered = try posters("audio/with-cover-art.mp3")
        #expect(rendered[0].width == 640)
        #expect(rendered[0].height == 546)
        #expect(try DecodedImage(rendered[0].data, in: directory).mean() > 24)
    }

    @Test func m4aTags() throws {
        let description = try engine.describe(fileAt: Corpus.file("audio/has-tags.m4a"), sidecar: nil)
        #expect(description.kind == .audio)
        #expect(description.format == "m4a")
        #expect(description.mimeType == "audio/mp4")
        let av = try #require(description.av)
        #expect(av.tags["artist"] == "Test Artist")
        #expect(av.tags["encoder"] == "FAAC 1.24")
        #expect(av.tags["creation_time"] == "2006-07-31T23:42:17.000000Z")
        #expect(av.firstAudio?.codec == "aac")
        #expect(av.firstAudio?.sampleRate == 44100)
        #expect(av.hasCoverArt)
    }

    @Test func flac() throws {
        let description = try engine.describe(fileAt: Corpus.file("audio/silence.flac"), sidecar: nil)
        #expect(description.kind == .audio)
        #expect(description.format == "flac")
        #expect(description.mimeType == "audio/flac")
        let av = try #require(description.av)
        #expect(av.firstAudio?.sampleRate == 44100)
        #expect(av.firstAudio?.channels == 2)
        #expect(av.firstAudio?.channelLayout == "stereo")
        #expect(abs((av.durationSeconds ?? 0) - 3.6847) < 0.001)
        #expect(av.tags["title"] == "Silence")
        #expect(av.tags["album"] == "Quod Libet Test Data")
    }

    @Test func audioWithoutArtRendersItsWaveform() throws {
        // A WAV written here has no picture at all: its thumbnails are its waveform (a flat line).
        let wav = directory.file("tone.wav")
        var data = Data("RIFF".utf8)
        let samples = 8000
        let le32 = { (value: UInt32) in Data((0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }) }
        let le16 = { (value: UInt16) in Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
        data += le32(UInt32(36 + samples * 2)) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        data += le32(8000) + le32(16000) + le16(2) + le16(16) + Data("data".utf8) + le32(UInt32(samples * 2))
        data += Data(count: samples * 2)
        try data.write(to: wav)

        let description = try engine.describe(fileAt: wav, sidecar: nil)
        #expect(description.kind == .audio)
        #expect(description.format == "wav")
        #expect(description.av?.firstAudio?.sampleRate == 8000)
        let outcomes = try engine.render(fileAt: wav, description: description, recipes: [RenditionRecipe(name: "ART", width: 200)])
        guard case let .rendered(art)? = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(art.width == 200 && art.height == 100)
    }

    @Test func timeLimitInterruptsLibav() throws {
        let hurried = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 0))
        #expect(throws: MediaError.timedOut(seconds: 0)) {
            try hurried.describe(fileAt: Corpus.file("video/chaplin.mp4"), sidecar: nil)
        }
    }

    static let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: ffmpeg != nil, "needs the ffmpeg command to write a display matrix"))
    func displayMatrixRotatesThePoster() throws {
        // The same clip, stream-copied with a display matrix, as phones write portrait video.
        let rotated = directory.file("rotated.mp4")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.ffmpeg))
        process.arguments = ["-v", "error", "-i", Corpus.file("video/chaplin.mp4").path, "-t", "2", "-c", "copy",
                             "-metadata:s:v:0", "rotate=90", "-y", rotated.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let description = try engine.describe(fileAt: rotated, sidecar: nil)
        let video = try #require(description.av?.firstVideo)
        #expect(video.width == 640 && video.height == 360)
        #expect(video.rotation == 270)
        let outcomes = try engine.render(fileAt: rotated, description: description, recipes: [RenditionRecipe(name: "POSTER", width: 640)])
        guard case let .rendered(poster) = try #require(outcomes.first) else {
            Issue.record("no poster: \(outcomes)")
            return
        }
        #expect(poster.width == 360 && poster.height == 640)
    }
}

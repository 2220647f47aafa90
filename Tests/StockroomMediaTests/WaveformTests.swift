import CVips
import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// WAVEFORM and PREVIEW_AUDIO through the real libavcodec, libswresample and libvips, on audio
/// the ffmpeg command makes: the pixels of the waveform say where the sound is, whatever the
/// rate, layout and sample format; the proxy is AAC that ffprobe reads back.
@Suite("Waveform and preview audio", .enabled(if: videoTools != nil, "needs the ffmpeg and ffprobe commands"))
struct WaveformTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()
    let recipe = WaveformRecipe(width: 400, height: 100)

    init() throws {
        engine = try LibMediaEngine()
    }

    /// `seconds` of audio from an ffmpeg `aevalsrc` expression (per channel: one expression
    /// repeated), encoded by `codec` into `name`.
    func audio(_ name: String, expression: String, seconds: Double, rate: Int = 44100, layout: String = "mono",
               codec: [String] = ["-c:a", "pcm_s16le"]) throws -> URL {
        let file = directory.file(name)
        let channels = ["mono": 1, "stereo": 2, "5.1": 6][layout] ?? 1
        let perChannel = Array(repeating: expression, count: channels).joined(separator: "|")
        _ = try ServerEnvironment.output(of: videoTools!.ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "aevalsrc=\(perChannel):s=\(rate):d=\(seconds):c=\(layout)",
        ] + codec + ["-y", file.path])
        return file
    }

    static let loudTone = "0.9*sin(2*PI*440*t)"
    static func toneUntil(_ seconds: Double) -> String { "if(lt(t\\,\(seconds))\\,0.9*sin(2*PI*440*t)\\,0)" }

    /// Rows of each pixel column that are not the background.
    func barHeights(_ image: RenderedImage) throws -> [Int] {
        let decoded = try DecodedImage(image.data, in: directory)
        #expect(decoded.width == recipe.width && decoded.height == recipe.height)
        var size = 0
        let bytes = try #require(vips_image_write_to_memory(decoded.image.pointer, &size)).assumingMemoryBound(to: UInt8.self)
        defer { g_free(bytes) }
        let bands = decoded.bands
        #expect(size == decoded.width * decoded.height * bands)
        let background = recipe.background
        return (0..<decoded.width).map { x in
            (0..<decoded.height).filter { y in
                let i = (y * decoded.width + x) * bands
                return bytes[i] != background.red || bytes[i + 1] != background.green || bytes[i + 2] != background.blue
            }.count
        }
    }

    @Test func silenceIsAFlatLine() throws {
        let heights = try barHeights(try engine.makeWaveform(fileAt: try audio("silence.wav", expression: "0", seconds: 2), recipe: recipe))
        #expect(heights.allSatisfy { $0 == 2 }, "\(Set(heights))")
    }

    @Test func aLoudToneIsTallBarsAllAcross() throws {
        let heights = try barHeights(try engine.makeWaveform(fileAt: try audio("tone.wav", expression: Self.loudTone, seconds: 2), recipe: recipe))
        #expect(heights.allSatisfy { $0 >= 85 }, "shortest bar \(heights.min() ?? 0) of 100")
    }

    /// Rates from 8 to 192 kHz, mono to 5.1, integer, float and planar samples, PCM and coded.
    @Test(arguments: [
        ("s16-8k-mono.wav", 8000, "mono", ["-c:a", "pcm_s16le"]),
        ("s32-192k-stereo.wav", 192_000, "stereo", ["-c:a", "pcm_s32le"]),
        ("f32-48k-5.1.wav", 48000, "5.1", ["-c:a", "pcm_f32le"]),
        ("flac-96k-stereo.flac", 96000, "stereo", ["-c:a", "flac"]),
        ("mp3-44k-stereo.mp3", 44100, "stereo", ["-c:a", "libmp3lame", "-b:a", "128k"]),
        ("aac-48k-5.1.m4a", 48000, "5.1", ["-c:a", "aac", "-b:a", "192k"]),
        ("aiff-22k-mono.aiff", 22050, "mono", ["-c:a", "pcm_s16be"]),
    ])
    func aToneInTheFirstHalfDrawsBarsOnlyOnTheLeft(name: String, rate: Int, layout: String, codec: [String]) throws {
        let file = try audio(name, expression: Self.toneUntil(2), seconds: 4, rate: rate, layout: layout, codec: codec)
        let heights = try barHeights(try engine.makeWaveform(fileAt: file, recipe: recipe))
        // A few columns either side of the middle, and at the start, for encoder delay (AAC's
        // 1024 priming samples) and frame padding.
        let left = heights[4..<(recipe.width / 2 - 8)], right = heights[(recipe.width / 2 + 8)...]
        // 0.9 of full scale is 90 rows; AAC's 5.1 drops the tone from the LFE channel (a low-pass
        // there), which leaves 5/6 of it in the mean, and its coding wobbles the peaks.
        #expect(left.allSatisfy { $0 >= 60 }, "\(name): shortest bar on the left \(left.min() ?? 0)")
        #expect(right.allSatisfy { $0 <= 4 }, "\(name): tallest bar on the right \(right.max() ?? 0)")
    }

    @Test func aLongFileIsReducedInBoundedBinsAndKeepsItsTimeline() throws {
        // 10 minutes at 48 kHz (28.8 million samples) into 2 × 400 bins; sound in the first 5.
        let file = try audio("long.flac", expression: Self.toneUntil(300), seconds: 600, rate: 48000, codec: ["-c:a", "flac"])
        let input = try AVInput(path: file.path, deadline: Deadline(seconds: 120))
        let levels = try WaveformLevels.read(input, columns: 400)
        #expect(levels.samples == 28_800_000)
        #expect(abs(levels.seconds - 600) < 0.001)
        #expect(levels.peaks[..<196].allSatisfy { $0 > 0.85 } && levels.peaks[204...].allSatisfy { $0 < 0.01 })
        // A sine's RMS is its peak over √2.
        #expect(abs(Double(levels.rms[100]) - 0.9 / 2.0.squareRoot()) < 0.02, "\(levels.rms[100])")
    }

    @Test func aOneSampleFileAndATruncatedFileStillDraw() throws {
        // One 16-bit sample of half scale, written by hand (ffmpeg will not make so short a file).
        let one = directory.file("one.wav")
        let le32 = { (value: UInt32) in Data((0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }) }
        let le16 = { (value: UInt16) in Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
        var wav = Data("RIFF".utf8) + le32(38) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        wav += le32(44100) + le32(88200) + le16(2) + le16(16) + Data("data".utf8) + le32(2) + le16(16384)
        try wav.write(to: one)
        let levels = try WaveformLevels.read(try AVInput(path: one.path, deadline: Deadline(seconds: 30)), columns: 400)
        #expect(levels.samples == 1)
        #expect(levels.peaks.allSatisfy { abs($0 - 0.5) < 0.01 })
        _ = try engine.makeWaveform(fileAt: one, recipe: recipe)

        let whole = try audio("whole.mp3", expression: Self.loudTone, seconds: 4, codec: ["-c:a", "libmp3lame"])
        let bytes = try Data(contentsOf: whole)
        let cut = directory.file("cut.mp3")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        let truncated = try WaveformLevels.read(try AVInput(path: cut.path, deadline: Deadline(seconds: 30)), columns: 100)
        #expect(truncated.seconds > 1.5 && truncated.seconds < 2.5, "\(truncated.seconds) s of a file cut in half")
        #expect(try barHeights(try engine.makeWaveform(fileAt: cut, recipe: recipe)).allSatisfy { $0 >= 80 })
    }

    @Test func filesWithoutSoundAreRefusedWithAReason() throws {
        let video = directory.file("silent-video.mp4")
        _ = try ServerEnvironment.output(of: videoTools!.ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-c:v", "mpeg4", "-y", video.path,
        ])
        #expect(throws: MediaError.noVisualContent("no audio stream to draw a waveform of")) {
            try engine.makeWaveform(fileAt: video, recipe: recipe)
        }
        #expect(throws: MediaError.noVisualContent("no audio stream to make a preview audio of")) {
            try engine.makeAudioProxy(fileAt: video, recipe: AudioProxyRecipe(), to: directory.file("none.m4a"))
        }
    }

    @Test func theTimeLimitStopsTheDecode() throws {
        let file = try audio("limited.wav", expression: Self.loudTone, seconds: 1)
        let hurried = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 0))
        #expect(throws: MediaError.timedOut(seconds: 0)) { try hurried.makeWaveform(fileAt: file, recipe: recipe) }
        #expect(throws: MediaError.timedOut(seconds: 0)) {
            try hurried.makeAudioProxy(fileAt: file, recipe: AudioProxyRecipe(), to: directory.file("limited.m4a"))
        }
    }

    @Test func transparentBackgroundsStayTransparentInPNGAndWebP() throws {
        let file = try audio("tone-t.wav", expression: Self.loudTone, seconds: 1)
        for format in WaveformRecipe.formats {
            let clear = WaveformRecipe(width: 200, height: 50, background: RGBAColour(hex: "#00000000")!, format: format)
            let image = try engine.makeWaveform(fileAt: file, recipe: clear)
            #expect(image.format == format)
            #expect(try DecodedImage(image.data, in: directory).bands == 4, "\(format)")
        }
    }

    @Test func audioWithoutCoverArtGetsItsThumbnailsFromTheWaveform() throws {
        let file = try audio("half.wav", expression: Self.toneUntil(1), seconds: 2)
        let description = try engine.describe(fileAt: file, sidecar: nil)
        let outcomes = try engine.render(fileAt: file, description: description, recipes: [RenditionRecipe(name: "THUMB", width: 300)])
        guard case let .rendered(thumb)? = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(thumb.width == 300 && thumb.height == 150)
        let means = try DecodedImage(thumb.data, in: directory).gridMeans(columns: 2, rows: 1)
        // Bars (darker than the light background) on the left only.
        #expect(means[0] < means[1] - 20, "\(means)")
    }

    /// The generated awkward audio (scripts/make-awkward-media: MP3, AAC and FLAC with cover art
    /// of odd sizes, half a second of ffmpeg's 1/8-amplitude sine): a waveform with its bars.
    @Test func theAwkwardAudioFilesDrawTheirTone() throws {
        let audio = AwkwardMedia.entries.filter { $0.kind == .audio }
        #expect(audio.count >= 3)
        for entry in audio {
            let heights = try barHeights(try engine.makeWaveform(fileAt: entry.url, recipe: recipe))
            // 1/8 of full scale is 12 or 13 of 100 rows; the encoders' priming adds a little silence.
            #expect(heights.filter { $0 >= 11 && $0 <= 16 }.count > recipe.width * 3 / 4, "\(entry.file): \(Set(heights).sorted())")
        }
    }

    // MARK: - PREVIEW_AUDIO

    /// `codec_name`, channels and sample rate of each stream, and the container's duration.
    func probe(_ file: URL) throws -> (streams: [[String: Any]], duration: Double) {
        let json = try ServerEnvironment.output(of: videoTools!.ffprobe, ["-v", "error", "-show_streams", "-show_format", "-of", "json", file.path])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (root["streams"] as? [[String: Any]] ?? [], Double((root["format"] as? [String: Any])?["duration"] as? String ?? "") ?? -1)
    }

    @Test func theAudioProxyIsAACOnlyForTheRecipesDuration() throws {
        let aiff = try audio("source.aiff", expression: Self.loudTone, seconds: 6, rate: 96000, layout: "5.1", codec: ["-c:a", "pcm_s24be"])
        let whole = directory.file("whole.m4a")
        let facts = try engine.makeAudioProxy(fileAt: aiff, recipe: AudioProxyRecipe(), to: whole)
        #expect(abs(facts.durationSeconds - 6) < 0.05)
        let probed = try probe(whole)
        #expect(probed.streams.count == 1)
        #expect(probed.streams.first?["codec_name"] as? String == "aac")
        #expect(probed.streams.first?["channels"] as? Int == 2, "5.1 is mixed to stereo")
        #expect(probed.streams.first?["sample_rate"] as? String == "48000")
        #expect(abs(probed.duration - 6) < 0.1, "\(probed.duration)")

        let short = directory.file("short.m4a")
        let first = try engine.makeAudioProxy(fileAt: aiff, recipe: AudioProxyRecipe(durationSeconds: 2, bitrateKbps: 64), to: short)
        #expect(abs(first.durationSeconds - 2) < 0.05)
        #expect(abs(try probe(short).duration - 2) < 0.1)
    }

    @Test func anMP3WithCoverArtGetsAnAudioOnlyProxy() throws {
        let output = directory.file("art.m4a")
        _ = try engine.makeAudioProxy(fileAt: Corpus.file("audio/with-cover-art.mp3"), recipe: AudioProxyRecipe(), to: output)
        let streams = try probe(output).streams
        #expect(streams.map { $0["codec_type"] as? String } == ["audio"], "the cover art is left out")
        // And its waveform is drawn beside the cover-art thumbnails.
        _ = try engine.makeWaveform(fileAt: Corpus.file("audio/with-cover-art.mp3"), recipe: recipe)
    }
}

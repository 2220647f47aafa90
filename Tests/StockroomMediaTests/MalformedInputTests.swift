import Foundation
import Testing
@testable import StockroomMedia
import CMediaShim
import CVips
import StockroomTestSupport

@Suite("Malformed input, allowlist and limits")
struct MalformedInputTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine()
    }

    /// Describe, then render: the whole pipeline a file goes through.
    private func process(_ url: URL, engine: LibMediaEngine? = nil) throws(MediaError) -> (MediaDescription, [RenditionOutcome]) {
        let engine = engine ?? self.engine
        let description = try engine.describe(fileAt: url, sidecar: nil)
        let outcomes = try engine.render(fileAt: url, description: description, recipes: [RenditionRecipe(name: "THUMB", width: 200)])
        return (description, outcomes)
    }

    private func failure(of url: URL, engine: LibMediaEngine? = nil) -> MediaError? {
        do {
            _ = try process(url, engine: engine)
            return nil
        } catch {
            return error
        }
    }

    @Test func decompressionBombIsRefusedBeforeDecoding() throws {
        // 44 bytes declaring a 65535-wide frame placed 65280 rows down a 32×32 screen.
        let error = failure(of: Corpus.file("malformed/decompression-bomb.gif"))
        #expect(error == .tooManyPixels(width: 65535, height: 66601, pages: 1, limit: 200_000_000))
    }

    @Test("broken files fail with a clear reason", arguments: [
        "malformed/truncated.jpg", "malformed/truncated.gif", "malformed/broken.png", "malformed/zero-width.gif", "video/truncated.mkv",
    ])
    func brokenFiles(path: String) throws {
        let error = try #require(failure(of: Corpus.file(path)), "\(path) was accepted")
        switch error {
        case .corrupt, .unsupportedFormat, .av, .vips: break
        default: Issue.record("unexpected \(error) for \(path)")
        }
        #expect(!error.description.isEmpty)
    }

    @Test func invalidEXIFStillDescribesTheImage() throws {
        let (description, outcomes) = try process(Corpus.file("malformed/invalid-exif.jpg"))
        #expect(description.image?.width == 200)
        #expect(description.image?.height == 200)
        guard case let .rendered(image) = try #require(outcomes.first) else {
            Issue.record("no rendition: \(outcomes)")
            return
        }
        #expect(image.width == 200)
    }

    @Test func blockedLoadersAreUnsupported() throws {
        // A PPM is something libvips can read, through a loader Stockroom keeps blocked.
        let ppm = directory.file("image.jpg")
        try (Data("P6\n4 4\n255\n".utf8) + Data(repeating: 200, count: 48)).write(to: ppm)
        guard case .unsupportedFormat = failure(of: ppm) else {
            Issue.record("PPM was not refused as unsupported")
            return
        }
        // CSV, FITS-like text and the rest: anything no allowed loader or demuxer recognises.
        let csv = directory.file("matrix.csv")
        try "1,2,3\n4,5,6\n".write(to: csv, atomically: true, encoding: .utf8)
        guard case .unsupportedFormat = failure(of: csv) else {
            Issue.record("CSV was not refused as unsupported")
            return
        }
    }

    @Test func svgOnlyWhenAllowed() throws {
        let svg = directory.file("drawing.svg")
        try """
        <svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="red"/></svg>
        """.write(to: svg, atomically: true, encoding: .utf8)
        let strict = try LibMediaEngine(configuration: MediaEngineConfiguration(allowSVG: false))
        guard case .unsupportedFormat = failure(of: svg, engine: strict) else {
            Issue.record("SVG accepted without allowSVG")
            return
        }
        let permissive = try LibMediaEngine(configuration: MediaEngineConfiguration(allowSVG: true))
        let (description, outcomes) = try process(svg, engine: permissive)
        #expect(description.format == "svg")
        #expect(description.image?.width == 120)
        guard case let .rendered(image) = try #require(outcomes.first) else {
            Issue.record("SVG not rendered: \(outcomes)")
            return
        }
        // Rasterized at the rendition's size: a drawing has no pixel size of its own to stay under.
        #expect(image.width == 200)
        // An engine that refuses SVG still does, though the loader is now unblocked process-wide.
        guard case .unsupportedFormat = failure(of: svg, engine: strict) else {
            Issue.record("SVG accepted by an engine that turns it off")
            return
        }
    }

    @Test func pixelLimitAppliesToOrdinaryImages() throws {
        let strict = try LibMediaEngine(configuration: MediaEngineConfiguration(maxPixels: 1_000_000))
        let error = failure(of: Corpus.file("images/orientation-landscape-1.jpg"), engine: strict)
        #expect(error == .tooManyPixels(width: 1800, height: 1200, pages: 1, limit: 1_000_000))
        // Frames count: 320×240×31 pages.
        let animated = failure(of: Corpus.file("images/animated.gif"), engine: try LibMediaEngine(configuration: MediaEngineConfiguration(maxPixels: 2_000_000)))
        #expect(animated == .tooManyPixels(width: 320, height: 240, pages: 31, limit: 2_000_000))
    }

    @Test func zeroTimeLimitOnABigImageTimesOut() throws {
        // A 6000×6000 PNG cannot be decoded within a zero time limit: the engine gives up (its own
        // check or libvips' kill switch, whichever comes first; the next test isolates the kill).
        let big = directory.file("big.png")
        let size = 6000
        let pixels = [UInt8](repeating: 90, count: size * size * 3)
        let image = try LibvipsImage.make("pixels") { output in
            pixels.withUnsafeBytes { sr_vips_image_from_pixels($0.baseAddress, Int32(size), Int32(size), 3, output) }
        }
        try RenditionEncoder.encode(image, format: .png, quality: 100, strip: true, deadline: Deadline(seconds: 600)).write(to: big)

        let hurried = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 0))
        let description = try engine.describe(fileAt: big, sidecar: nil)
        #expect(throws: MediaError.timedOut(seconds: 0)) {
            try hurried.render(fileAt: big, description: description, recipes: [RenditionRecipe(name: "T", width: 100)])
        }
    }

    @Test func libvipsKillsEvaluationPastTheDeadline() throws {
        // The kill switch itself, without the engine's own checks between steps: a deadline that
        // has passed stops a computation already under way.
        let size = 4000
        let pixels = [UInt8](repeating: 90, count: size * size * 3)
        let image = try LibvipsImage.make("pixels") { output in
            pixels.withUnsafeBytes { sr_vips_image_from_pixels($0.baseAddress, Int32(size), Int32(size), 3, output) }
        }
        let expired = Deadline(seconds: 0)
        usleep(1000)
        #expect(throws: MediaError.timedOut(seconds: 0)) {
            try RenditionEncoder.encode(image, format: .png, quality: 100, strip: true, deadline: expired)
        }
    }

    @Test func missingFile() {
        #expect(throws: MediaError.io("no such file: /nonexistent/file.jpg")) {
            try engine.describe(fileAt: URL(fileURLWithPath: "/nonexistent/file.jpg"), sidecar: nil)
        }
    }

    @Test func concurrentCallsAreIndependent() async throws {
        let engine = self.engine
        let paths = ["images/orientation-landscape-6.jpg", "images/cmyk.jpg", "video/sample.mp4", "images/flower.webp",
                     "audio/with-cover-art.mp3", "images/sample.png", "images/exif.avif", "video/chaplin.mp4"]
        let sizes = try await withThrowingTaskGroup(of: String.self) { group in
            for path in paths {
                group.addTask {
                    let url = Corpus.file(path)
                    let description = try engine.describe(fileAt: url, sidecar: nil)
                    let outcomes = try engine.render(fileAt: url, description: description, recipes: [RenditionRecipe(name: "T", width: 64, height: 64, fit: .cover)])
                    guard case let .rendered(image) = outcomes.first else { return "\(path): failed" }
                    return "\(image.width)×\(image.height)"
                }
            }
            var sizes: [String] = []
            for try await size in group { sizes.append(size) }
            return sizes
        }
        #expect(sizes == Array(repeating: "64×64", count: paths.count))
    }
}

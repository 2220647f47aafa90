import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// Describe and render over every generated awkward file: 1–17, 215–217 and 1079–1081 pixel wide
/// videos and images, odd heights, subsampled, 10-bit, alpha, grey, NV12 and 48-bit pixel
/// formats, rotation side data, anamorphic pixels and odd-size cover art. libswscale overran tightly packed poster
/// buffers for widths like 216 and 200 (heap corruption, SIGABRT); every size here must come out
/// as renditions of exactly the expected size, or as the expected clear refusal.
@Suite("Awkward sizes and formats")
struct AwkwardMediaTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 60))
    }

    static let recipes = [
        RenditionRecipe(name: "INSIDE", width: 256),
        RenditionRecipe(name: "SQUARE", width: 64, height: 64, fit: .cover, format: .webp),
        RenditionRecipe(name: "SMALL_PNG", width: 32, format: .png),
    ]

    @Test func theGeneratedSetIsComplete() throws {
        let entries = try AwkwardMedia.loaded.get()
        #expect(entries.count >= 90)
        #expect(entries.filter { $0.kind == .audio }.count >= 3)
        for width in Array(1...17) + [215, 216, 217, 1079, 1080, 1081] {
            #expect(entries.contains { $0.kind == .video && $0.width == width }, "no \(width)-pixel-wide video")
        }
        for width in [1, 17, 215, 216, 217, 1079, 1081] {
            #expect(entries.contains { $0.kind == .image && $0.width == width }, "no \(width)-pixel-wide image")
        }
        for format in ["yuv420p", "yuv422p10le", "yuva420p", "gray", "nv12", "rgb48be"] {
            #expect(entries.contains { $0.pixelFormat == format }, "no \(format) video")
        }
        for file in entries.map(\.file) {
            #expect(FileManager.default.fileExists(atPath: AwkwardMedia.directory.appendingPathComponent(file).path))
        }
    }

    @Test("describe and render", arguments: AwkwardMedia.entries)
    func describeAndRender(_ entry: AwkwardMedia.Entry) throws {
        if let refusal = entry.refusal {
            do {
                let description = try engine.describe(fileAt: entry.url, sidecar: nil)
                _ = try engine.render(fileAt: entry.url, description: description, recipes: Self.recipes)
                Issue.record("\(entry.file) was accepted")
            } catch {
                #expect(error.description.contains(refusal), "\(entry.file): \(error)")
            }
            return
        }
        let description = try engine.describe(fileAt: entry.url, sidecar: nil)
        switch entry.kind {
        case .image:
            let image = try #require(description.image, "\(entry.file) described without image facts")
            #expect(description.kind == .image)
            #expect(image.width == entry.width && image.height == entry.height, "\(entry.file): \(image.width)×\(image.height)")
            #expect(image.bitDepth == entry.bitDepth, "\(entry.file): \(image.bitDepth) bits")
            #expect(image.hasAlpha == entry.hasAlpha, "\(entry.file): alpha \(image.hasAlpha)")
            #expect(image.pageCount == entry.pages, "\(entry.file): \(image.pageCount) pages")
        case .video:
            let video = try #require(description.av?.firstVideo, "\(entry.file) described without a video stream")
            #expect(description.kind == .video)
            #expect(video.width == entry.width && video.height == entry.height, "\(entry.file): \(String(describing: video.width))×\(String(describing: video.height))")
            #expect(video.rotation == entry.rotation, "\(entry.file): rotation \(String(describing: video.rotation))")
            #expect(video.pixelFormat == entry.pixelFormat, "\(entry.file): \(String(describing: video.pixelFormat))")
        case .audio:
            let av = try #require(description.av, "\(entry.file) described without streams")
            #expect(description.kind == .audio)
            #expect(av.hasCoverArt)
            let art = try #require(av.streams.first { $0.isAttachedPicture })
            #expect(art.width == entry.width && art.height == entry.height, "\(entry.file): cover \(String(describing: art.width))×\(String(describing: art.height))")
        }

        let outcomes = try engine.render(fileAt: entry.url, description: description, recipes: Self.recipes)
        let rendered = try outcomes.map { outcome in
            guard case let .rendered(image) = outcome else {
                throw MediaError.vips("\(entry.file): \(outcome)")
            }
            return image
        }
        #expect(rendered.map(\.name) == Self.recipes.map(\.name))
        let source = (width: entry.displayWidth, height: entry.displayHeight)
        let expected = [Self.inside(source, 256), Self.square(source, 64), Self.inside(source, 32)]
        for (image, size) in zip(rendered, expected) {
            #expect(image.width == size.width && image.height == size.height,
                    "\(entry.file) \(image.name): \(image.width)×\(image.height), expected \(size.width)×\(size.height)")
            let decoded = try DecodedImage(image.data, in: directory)
            #expect(decoded.width == image.width && decoded.height == image.height, "\(entry.file) \(image.name) decodes as \(decoded.width)×\(decoded.height)")
        }
        let png = try DecodedImage(rendered[2].data, in: directory)
        let keepsAlpha = entry.kind == .image && entry.hasAlpha
        #expect(png.bands == (keepsAlpha ? 4 : 3), "\(entry.file): PNG has \(png.bands) bands")
        if min(entry.displayWidth, entry.displayHeight) >= 8 && entry.kind == .video {
            // testsrc2's colour bars: a poster converted with the wrong stride or format is black or noise.
            #expect(try DecodedImage(rendered[0].data, in: directory).mean() > 20, "\(entry.file): poster is black")
        }
    }

    /// `.inside`: fitted into the box, never enlarged (rounded to the nearest pixel, at least 1).
    static func inside(_ source: (width: Int, height: Int), _ box: Int) -> (width: Int, height: Int) {
        let scale = min(1, Double(box) / Double(source.width), Double(box) / Double(source.height))
        return (max(1, Int((Double(source.width) * scale).rounded())), max(1, Int((Double(source.height) * scale).rounded())))
    }

    /// `.cover` into a square: the box, or the largest square the source covers.
    static func square(_ source: (width: Int, height: Int), _ box: Int) -> (width: Int, height: Int) {
        let side = min(box, source.width, source.height)
        return (side, side)
    }
}

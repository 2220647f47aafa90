import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// Every file of `../shared/corpus` through describe and render, with SVG and PDF input both off
/// (the default) and on. Photos, video and audio must give every rendition; documents and the
/// malformed files must give renditions or one clear, one-line MediaError. Run under the
/// sanitizer lane (scripts/sanitize) this is the corpus half of the memory-safety sweep.
@Suite("Corpus sweep")
struct CorpusSweepTests {
    static let files: [String] = ["images", "video", "audio", "documents", "malformed"].flatMap { folder in
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Corpus.file(folder).path)) ?? []
        return names.sorted().map { "\(folder)/\($0)" }
    }

    static let recipes = [
        RenditionRecipe(name: "PREVIEW", width: 512),
        RenditionRecipe(name: "SQUARE", width: 96, height: 96, fit: .cover, format: .webp),
        RenditionRecipe(name: "PNG", width: 48, format: .png),
    ]

    /// Corpus files outside `malformed/` that are damaged on purpose.
    static let damaged: Set<String> = ["video/truncated.mkv"]

    @Test func theCorpusIsThere() {
        #expect(Self.files.count >= 40, "../shared/corpus has \(Self.files.count) files")
    }

    @Test("every corpus file ends as renditions or a clear error", arguments: Self.files, [false, true])
    func sweep(_ path: String, documentsAllowed: Bool) throws {
        let engine = try LibMediaEngine(configuration: MediaEngineConfiguration(
            timeLimitSeconds: 60, allowSVG: documentsAllowed, allowPDF: documentsAllowed))
        let url = Corpus.file(path)
        let mustRender = ["images/", "video/", "audio/"].contains { path.hasPrefix($0) } && !Self.damaged.contains(path)
        do {
            let description = try engine.describe(fileAt: url, sidecar: nil)
            let outcomes = try engine.render(fileAt: url, description: description, recipes: Self.recipes)
            #expect(outcomes.count == Self.recipes.count)
            for outcome in outcomes {
                switch outcome {
                case let .rendered(image):
                    #expect(image.width > 0 && image.height > 0 && !image.data.isEmpty)
                    #expect(image.width <= 512 && image.height <= 512)
                case let .failed(name, reason):
                    if mustRender { Issue.record("\(path) \(name): \(reason)") }
                    #expect(!reason.isEmpty, "\(path) \(name)")
                }
            }
        } catch {
            if mustRender { Issue.record("\(path) was refused: \(error)") }
            #expect(!error.description.isEmpty)
        }
    }
}

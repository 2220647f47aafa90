import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// The fuzzing entry points over the fixtures and the corpus documents, then damaged variants of
/// them (bytes flipped, truncated, a block repeated, length fields scribbled over) from a fixed
/// seed, through the parsers and through the whole engine: every one ends in a value, a
/// rendition or a thrown MediaError, never a crash or a hang.
@Suite("Document parsers under damage")
struct DocumentParsersTests {
    static func seeds() throws -> [URL] {
        let fixtures = try FileManager.default.contentsOfDirectory(at: try DocumentFixtures.folder(), includingPropertiesForKeys: nil)
        let corpus = try FileManager.default.contentsOfDirectory(at: Corpus.file("documents"), includingPropertiesForKeys: nil)
        return (fixtures + corpus).filter { $0.lastPathComponent != "manifest.json" }.sorted { $0.path < $1.path }
    }

    @Test func eachSeedIsAcceptedByItsParser() throws {
        let expected: [String: DocumentParsers.Parser] = [
            "psd": .photoshop, "psb": .photoshop, "docx": .office, "pptx": .office, "xlsx": .office, "odt": .office,
            "odp": .office, "ods": .office, "dotx": .office, "ttf": .font, "otf": .font, "woff": .font, "woff2": .font,
            "txt": .plainText, "md": .plainText, "svg": .svg, "pdf": .pdf, "ai": .pdf, "eps": .postScript,
        ]
        let refused: Set<String> = ["truncated.psd", "bomb.psd", "zip-bomb.docx", "entity-bomb.docx", "truncated.ttf",
                                    "billion-laughs.svg", "external-entity.svg", "damaged.pdf", "encrypted.pdf"]
        for seed in try Self.seeds() {
            guard let parser = expected[seed.pathExtension] else { continue }
            // Acceptance, not speed: a sanitizer build on a busy machine may take longer than 10 s.
            let accepted = DocumentParsers.run(parser, try Data(contentsOf: seed), seconds: 300)
            #expect(accepted == !refused.contains(seed.lastPathComponent), "\(seed.lastPathComponent) with \(parser)")
        }
    }

    @Test func damagedVariantsNeverCrash() throws {
        let engine = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 20))
        let directory = TemporaryDirectory("stockroom-damaged-documents")
        var random = SplitMix64(seed: 0xD0C5)
        var outcomes: [String: Int] = [:]
        // Seeds over 100 KB are left to the libFuzzer harness: in a debug build each pass over one
        // costs seconds.
        for (seedIndex, seed) in try Self.seeds().enumerated() {
            let original = [UInt8](try Data(contentsOf: seed))
            guard original.count < 100_000 else { continue }
            for variant in 0..<3 {
                let damaged = Data(Self.damage(original, variant: variant, random: &random))
                outcomes[DocumentParsers.runAll(damaged).isEmpty ? "refused by the parsers" : "read by a parser", default: 0] += 1
                // The whole engine (poppler, librsvg, the renderers) on one of them per seed,
                // alternating between flipped header bytes and a cut; fonts (FreeType draws the
                // specimen under the font parser already) only through the parsers.
                let fonts: Set<String> = ["ttf", "otf", "woff", "woff2"]
                guard variant == seedIndex % 2, !fonts.contains(seed.pathExtension) else { continue }
                let file = directory.file("\(seed.lastPathComponent)-\(variant)")
                try damaged.write(to: file)
                do {
                    let description = try engine.describe(fileAt: file, sidecar: nil)
                    _ = try engine.render(fileAt: file, description: description, recipes: [
                        RenditionRecipe(name: "T", width: 160, pages: 2), RenditionRecipe(name: "S", width: 96, height: 96, fit: .cover),
                    ])
                    outcomes["rendered", default: 0] += 1
                } catch {
                    outcomes["refused by the engine", default: 0] += 1
                }
            }
        }
        #expect(outcomes["read by a parser", default: 0] > 0 && outcomes["refused by the parsers", default: 0] > 0, "\(outcomes)")
        #expect(outcomes["rendered", default: 0] > 0 && outcomes["refused by the engine", default: 0] > 0, "\(outcomes)")
    }

    private static func damage(_ bytes: [UInt8], variant: Int, random: inout SplitMix64) -> [UInt8] {
        var damaged = bytes
        guard !damaged.isEmpty else { return damaged }
        func position(within limit: Int) -> Int { random.next(max(1, min(limit, damaged.count))) }
        switch variant % 4 {
        case 0:
            // Flip bytes in the first kilobyte, where headers and length fields are.
            for _ in 0..<8 { damaged[position(within: 1024)] ^= UInt8(1 + random.next(255)) }
        case 1:
            damaged = Array(damaged.prefix(max(1, position(within: damaged.count))))
        case 2:
            // Scribble 0xFF over four bytes: a length becoming huge.
            let start = position(within: damaged.count)
            for offset in 0..<4 where start + offset < damaged.count { damaged[start + offset] = 0xFF }
        default:
            let start = position(within: damaged.count)
            let block = damaged[start..<min(damaged.count, start + 64)]
            damaged.insert(contentsOf: block, at: start)
        }
        return damaged
    }
}

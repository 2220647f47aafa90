import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// Damaged variants of every corpus file (bytes flipped in the headers, truncated, scribbled
/// over, chunks duplicated), generated from a fixed seed: each must end in a rendition or a
/// thrown MediaError, never a crash or a hang. The first run of this kind found FoundationXML
/// trapping on a non-UTF-8 XMP element name.
@Suite("Mutated corpus")
struct MutatedCorpusTests {
    @Test func damagedFilesNeverCrash() throws {
        let engine = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 20))
        let directory = TemporaryDirectory()
        var random = SplitMix64(seed: 0x5EED)
        let sources = try ["images", "video", "audio"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: Corpus.file(folder).path).sorted().map { "\(folder)/\($0)" }
        }
        var results: [String: Int] = [:]
        for source in sources {
            let original = [UInt8](try Data(contentsOf: Corpus.file(source)))
            for variant in 0..<6 {
                let mutated = Self.mutate(original, variant: variant, random: &random)
                let url = directory.file("\(source.replacingOccurrences(of: "/", with: "-"))-\(variant)")
                try Data(mutated).write(to: url)
                do {
                    let description = try engine.describe(fileAt: url, sidecar: nil)
                    _ = try engine.render(fileAt: url, description: description, recipes: [
                        RenditionRecipe(name: "T", width: 160), RenditionRecipe(name: "S", width: 96, height: 96, fit: .cover, format: .webp),
                    ])
                    results["rendered", default: 0] += 1
                } catch {
                    results["refused", default: 0] += 1
                }
            }
        }
        #expect(results.values.reduce(0, +) == sources.count * 6)
        #expect(results["rendered", default: 0] > 0)
        #expect(results["refused", default: 0] > 0)
    }

    private static func mutate(_ bytes: [UInt8], variant: Int, random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        guard bytes.count > 32 else { return bytes }
        switch variant % 3 {
        case 0: // a few bytes in the headers
            for _ in 0..<(1 + random.next(20)) { bytes[random.next(min(bytes.count, 8192))] = UInt8(random.next(256)) }
        case 1: // truncated
            bytes = Array(bytes.prefix(16 + random.next(bytes.count - 16)))
        default: // scribbled over, plus a duplicated chunk
            for _ in 0..<(5 + random.next(200)) { bytes[random.next(bytes.count)] = UInt8(random.next(256)) }
            let from = random.next(bytes.count)
            let chunk = bytes[from..<min(bytes.count, from + 1 + random.next(2000))]
            bytes.insert(contentsOf: chunk, at: random.next(bytes.count))
        }
        return bytes
    }
}

/// A small deterministic generator, so a failing mutation can be reproduced.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return bound > 0 ? Int(z % UInt64(bound)) : 0
    }
}

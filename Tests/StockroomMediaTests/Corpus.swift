import Foundation

/// The shared third-party test media: `../shared/corpus` beside the repository root.
enum Corpus {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // StockroomMediaTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/corpus", isDirectory: true)

    static func file(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }
}

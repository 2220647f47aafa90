import Foundation

/// The repository and the shared third-party test media, `../shared/corpus` beside it.
public enum Corpus {
    /// The repository's root folder.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // StockroomTestSupport
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // repository root

    public static let root: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus", isDirectory: true)

    public static func file(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }
}

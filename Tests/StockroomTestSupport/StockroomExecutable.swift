import Foundation

/// The `stockroom` binary that `swift build --build-tests` built beside the test bundle: tests
/// start it as a subprocess, and the media worker pool starts it as `stockroom media-worker`.
public enum StockroomExecutable {
    public static let url: URL = {
        if let explicit = ProcessInfo.processInfo.environment["STOCKROOM_TEST_EXECUTABLE"] {
            return URL(fileURLWithPath: explicit)
        }
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidates = [
            URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("stockroom"),
            Corpus.repositoryRoot.appendingPathComponent(".build/debug/stockroom"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()
}

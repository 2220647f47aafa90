import Logging
import NIOPosix
import ServiceLifecycle

/// A dedicated pool of threads for the server's blocking work (SQLite reads and writes, blob
/// reads, hashing), so request handlers never block Swift's cooperative pool or the event loops.
/// Reads of blob bytes land in `ByteBuffer`s here, as NIO's `NonBlockingFileIO` does.
///
/// Runs as a `Service`: the pool is started when the service group starts and shut down after the
/// HTTP server has stopped (services shut down in reverse order).
public final class BlockingWork: Service, Sendable {
    let pool: NIOThreadPool

    public init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}

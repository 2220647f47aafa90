import AsyncHTTPClient
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Receives one S3 response into its sink. File writes and hashing run on a thread pool, and
/// the next body part is not read from the socket until the previous one is written: a
/// download never holds more than one network buffer in memory, whatever the object's size.
final class S3ResponseDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = S3Response

    /// A failure of the sink itself (disk full, body larger than asked for): not worth a retry.
    struct SinkFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let errorBodyLimit = 64 * 1024

    private let sink: S3BodySink
    private let pool: NIOThreadPool
    // Touched by the event loop and then by the pool, one after the other (each step waits for
    // the previous future), so the lock is never contended; it makes the hand-over explicit.
    private let lock = NIOLock()
    private var status = 0
    private var headers = HTTPHeaders()
    private var collected = Data()
    private var received: Int64 = 0
    private var hasher = SHA256()
    private var file: FileHandle?

    init(sink: S3BodySink, pool: NIOThreadPool) throws {
        self.sink = sink
        self.pool = pool
        if case let .file(url) = sink {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw SinkFailure(description: "cannot create \(url.path)")
            }
            file = try FileHandle(forWritingTo: url)
        }
    }

    private var streamsBody: Bool {
        switch sink {
        case .collect: return false
        case .file, .hashOnly: return (200..<300).contains(status)
        }
    }

    func didReceiveHead(task: HTTPClient.Task<S3Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        lock.withLock {
            status = Int(head.status.code)
            headers = head.headers
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<S3Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let streams = lock.withLock { streamsBody }
        guard streams else {
            let limit: Int = {
                if case let .collect(limit) = sink, (200..<300).contains(status) { return limit }
                return Self.errorBodyLimit
            }()
            let overflow: Bool = lock.withLock {
                received += Int64(buffer.readableBytes)
                guard collected.count + buffer.readableBytes <= limit else { return true }
                collected.append(contentsOf: buffer.readableBytesView)
                return false
            }
            if overflow {
                return task.eventLoop.makeFailedFuture(SinkFailure(description: "response body larger than the \(limit) bytes asked for"))
            }
            return task.eventLoop.makeSucceededVoidFuture()
        }
        return pool.runIfActive(eventLoop: task.eventLoop) { [self] in
            try lock.withLock {
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                received += Int64(buffer.readableBytes)
                do {
                    if let file { try buffer.withUnsafeReadableBytes { try file.write(contentsOf: $0) } }
                } catch {
                    throw SinkFailure(description: "cannot write the download: \(error.localizedDescription)")
                }
            }
        }
    }

    func didReceiveError(task: HTTPClient.Task<S3Response>, _ error: Error) {
        lock.withLock { closeFile() }
    }

    func didFinishRequest(task: HTTPClient.Task<S3Response>) throws -> S3Response {
        try lock.withLock {
            if let file {
                self.file = nil
                do {
                    try file.synchronize()
                    try file.close()
                } catch {
                    throw SinkFailure(description: "cannot finish the download: \(error.localizedDescription)")
                }
            }
            let hashed = streamsBody ? SignatureV4.hex(hasher.finalize()) : nil
            return S3Response(status: status, headers: headers, body: collected, bytesReceived: received, sha256: hashed)
        }
    }

    private func closeFile() {
        try? file?.close()
        file = nil
    }

    deinit { try? file?.close() }
}

import Crypto
import Foundation
import NIOCore

/// Blobs whose bytes this process has hashed and found to match their name (and size), so later
/// responses need only the size check. Bounded: past `capacity` entries it starts over.
final class VerifiedBlobs: @unchecked Sendable {
    private var sizes: [String: Int64] = [:]
    private let lock = NSLock()
    let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func isVerified(_ hash: String, size: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return sizes[hash] == size
    }

    func markVerified(_ hash: String, size: Int64) {
        lock.lock()
        defer { lock.unlock() }
        if sizes.count >= capacity { sizes.removeAll(keepingCapacity: true) }
        sizes[hash] = size
    }

    func forget(_ hash: String) {
        lock.lock()
        defer { lock.unlock() }
        sizes[hash] = nil
    }
}

/// Why bytes about to be served do not match the catalog: the response is ended instead of
/// delivering a damaged file.
struct BlobIntegrityError: Error, CustomStringConvertible {
    enum Kind: String { case sizeMismatch = "size mismatch", shortRead = "short read", hashMismatch = "hash mismatch" }
    var kind: Kind
    var hash: String
    var detail: String

    var description: String { "blob \(hash): \(kind.rawValue) (\(detail))" }
}

/// SHA-256 over ByteBuffers, hex-encoded like blob names.
struct BlobHasher {
    private var hasher = SHA256()

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
    }

    func hex() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation
import NIOCore

/// Small blobs (thumbnails, previews) held in memory after their bytes were read once and
/// checked against the catalog's size and their SHA-256 name, so a thumbnail request costs no
/// file I/O. Bounded by total bytes; the least recently used go first.
final class SmallBlobCache: @unchecked Sendable {
    /// Blobs up to this size are cached.
    let maxBlobBytes: Int
    let capacityBytes: Int
    private var entries: [String: (bytes: ByteBuffer, used: UInt64)] = [:]
    private var total = 0
    private var tick: UInt64 = 0
    private let lock = NSLock()

    init(maxBlobBytes: Int, capacityBytes: Int) {
        self.maxBlobBytes = maxBlobBytes
        self.capacityBytes = capacityBytes
    }

    func bytes(_ hash: String) -> ByteBuffer? {
        lock.lock()
        defer { lock.unlock() }
        guard var entry = entries[hash] else { return nil }
        tick &+= 1
        entry.used = tick
        entries[hash] = entry
        return entry.bytes
    }

    func insert(_ hash: String, _ bytes: ByteBuffer) {
        guard bytes.readableBytes <= maxBlobBytes, capacityBytes > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        if let old = entries[hash] { total -= old.bytes.readableBytes }
        tick &+= 1
        entries[hash] = (bytes, tick)
        total += bytes.readableBytes
        if total > capacityBytes {
            for (key, entry) in entries.sorted(by: { $0.value.used < $1.value.used }) {
                guard total > capacityBytes * 3 / 4 else { break }
                entries[key] = nil
                total -= entry.bytes.readableBytes
            }
        }
    }

    func remove(_ hash: String) {
        lock.lock()
        defer { lock.unlock() }
        if let old = entries.removeValue(forKey: hash) { total -= old.bytes.readableBytes }
    }
}

import Crypto
import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Content-addressed blob store")
struct BlobStoreTests {
    let dir = TemporaryDirectory()

    struct Interrupted: Error {}

    private func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test("stores by SHA-256, shards, deduplicates, reads ranges and verifies")
    func roundTrip() throws {
        let store = try DiskBlobStore(root: dir.url)
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let source = dir.file("input.bin")
        try data.write(to: source)
        let stored = try store.put(contentsOf: source)
        #expect(stored.hash == sha256(data))
        #expect(stored.byteSize == 3_000_000)
        #expect(stored.wasNew)
        let path = try store.path(for: stored.hash)
        #expect(path.path.hasSuffix("/\(stored.hash.prefix(2))/\(stored.hash.dropFirst(2).prefix(2))/\(stored.hash)"))
        let again = try store.put(data)
        #expect(again.hash == stored.hash)
        #expect(!again.wasNew)
        let reader = try store.openReader(stored.hash)
        #expect(reader.size == 3_000_000)
        #expect(try reader.read(at: 1_000_000, count: 10) == data[1_000_000..<1_000_010])
        reader.close()
        #expect(try store.verify(stored.hash))
        // Corrupt the blob on disk: verification notices.
        try Data("tampered".utf8).write(to: path)
        #expect(try store.verify(stored.hash) == false)
        #expect(throws: DomainError.self) { try store.localFile(for: "../../etc/passwd") }
    }

    @Test("several blobs stored together (a file's renditions) come back in order, each whole, duplicates included")
    func putAll() throws {
        let store = try DiskBlobStore(root: dir.url)
        let items = (0..<7).map { n in Data((0..<(20_000 + n * 1_000)).map { UInt8(truncatingIfNeeded: $0 &* (n + 3)) }) }
        let existing = try store.put(items[2])
        let stored = try store.put(all: items + [items[4]])
        #expect(stored.map(\.hash) == (items + [items[4]]).map(sha256))
        #expect(stored.map(\.byteSize) == (items + [items[4]]).map { Int64($0.count) })
        #expect(stored[2] == StoredBlob(hash: existing.hash, byteSize: existing.byteSize, wasNew: false))
        for (item, blob) in zip(items, stored) {
            #expect(try Data(contentsOf: store.localFile(for: blob.hash)) == item)
        }
        #expect(try store.put(all: []).isEmpty)
        #expect(try store.put(all: [items[0]]) == [StoredBlob(hash: sha256(items[0]), byteSize: Int64(items[0].count), wasNew: false)])
        // Nothing is left behind in the temporary folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("a write interrupted before the rename leaves no visible blob, and leftovers are swept")
    func interruptedWrite() throws {
        let data = Data("half a photograph".utf8)
        let hash = sha256(data)
        let failing = try DiskBlobStore(root: dir.url, beforeRename: { throw Interrupted() })
        #expect(throws: DomainError.self) { try failing.put(data) }
        #expect(!failing.contains(hash))
        #expect(!FileManager.default.fileExists(atPath: try failing.path(for: hash).path))
        // Simulate a process killed mid-write: a stray temp file is left behind.
        let stray = dir.url.appendingPathComponent("tmp/crashed-write")
        try Data("partial".utf8).write(to: stray)
        let reopened = try DiskBlobStore(root: dir.url)
        #expect(!FileManager.default.fileExists(atPath: stray.path))
        let stored = try reopened.put(data)
        #expect(stored.hash == hash && stored.wasNew)
        #expect(try reopened.readAll(hash) == data)
    }
}

import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// The lane that stores a batch's originals ahead of the workers: real files, a real disk blob store.
@Suite("Originals stored ahead of the workers")
struct OriginalsAheadTests {
    let dir = TemporaryDirectory()

    private func file(_ name: String, bytes: Int, seed: UInt8) throws -> String {
        let url = dir.file(name)
        try Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* Int(seed)) }).write(to: url)
        return url.path
    }

    @Test("a stored file is taken as stored; a changed, oversized or missing one is left to the store stage")
    func takesOnlyWhatIsUnchanged() throws {
        let store = try DiskBlobStore(root: dir.url.appendingPathComponent("blobs"))
        let same = try file("same.jpg", bytes: 300_000, seed: 7)
        let changed = try file("changed.jpg", bytes: 200_000, seed: 11)
        let large = try file("large.jpg", bytes: 500_000, seed: 13)
        let missing = dir.file("missing.jpg").path
        let ahead = OriginalsAhead(blobs: store, files: [(same, nil), (changed, nil), (large, 400_000), (missing, nil)])
        ahead.waitUntilFinished()
        let expected = try store.put(contentsOf: URL(fileURLWithPath: same))
        #expect(ahead.take(same) == StoredBlob(hash: expected.hash, byteSize: 300_000, wasNew: true))
        // Taken once: a second store stage of the same path (a retry) stores it itself.
        #expect(ahead.take(same) == nil)
        try Data(repeating: 1, count: 200_000).write(to: URL(fileURLWithPath: changed))
        #expect(ahead.take(changed) == nil)
        #expect(ahead.take(large) == nil)
        #expect(ahead.take(missing) == nil)
        #expect(ahead.take(dir.file("never-listed.jpg").path) == nil)
    }

    @Test("a file a worker takes first is not stored by the lane")
    func workerFirst() throws {
        let store = try DiskBlobStore(root: dir.url.appendingPathComponent("blobs"))
        let paths = try (0..<40).map { try file("f\($0).bin", bytes: 100_000, seed: UInt8($0 + 1)) }
        let ahead = OriginalsAhead(blobs: store, files: paths.map { ($0, nil) })
        // The last file is claimed by a worker, nearly always before the lane reaches it (40
        // files in); if the lane was first, the worker gets its blob.
        let first = ahead.take(paths[39])
        ahead.waitUntilFinished()
        #expect(try store.allHashes().count == (first == nil ? 39 : 40))
        for path in paths.dropLast() {
            #expect(ahead.take(path) != nil)
        }
    }
}

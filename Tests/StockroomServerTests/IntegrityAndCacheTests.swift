import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing
@testable import StockroomServer

/// Bytes served are the catalog's bytes, and cached links follow the catalog.
@Suite("HTTP edge: integrity and the link cache")
struct IntegrityAndCacheTests {
    @Test func aShortenedBlobIsNeverDeliveredWholeAloneOrInTheZip() async throws {
        let fixture = try ShareFixture()
        let small = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour", originalFilename: "harbour.jpg")
        let large = try fixture.addLargeOriginal(megabytes: 2)
        let collection = try fixture.collections.createCollection(name: "Damaged", by: .system)
        _ = try fixture.collections.addAssets([small.id!, large.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug)), by: .system)
        let smallHash = try fixture.originalHash(of: small), largeHash = try fixture.originalHash(of: large)
        try fixture.damageBlob(smallHash, keepingBytes: 100_000)
        try fixture.damageBlob(largeHash, keepingBytes: 1_500_000)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            for asset in [small, large] {
                let response = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)/download/original", method: .get,
                                                        headers: acceptJSON)
                #expect(response.status == .internalServerError, "\(asset.name)")
                #expect(try response.json()["error"] as? [String: String] == ["code": "internal", "message": "internal error"])
            }
            // The zip ends before the damaged entry's data: no archive a client could take as whole.
            let port = try #require(client.port)
            let raw = try RawConnection(port: port)
            try raw.send("GET /s/\(link.token)/download-all HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let answer = await raw.readOffPool(upTo: 8 << 20, timeout: .seconds(30))
            #expect(answer.closed, "the server must end the broken zip response")
            let text = String(decoding: answer.bytes.prefix(200), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            // The end-of-central-directory signature never went out.
            #expect(answer.bytes.firstIndex(of: [0x50, 0x4B, 0x05, 0x06]) == nil)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func largeBlobWithFlippedBytesIsCutShortBeforeItsLastChunk() async throws {
        let fixture = try ShareFixture()
        let large = try fixture.addLargeOriginal(megabytes: 3)
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: large.id!)), by: .system)
        let hash = try fixture.originalHash(of: large)
        // Same size, different bytes: only the hash can tell.
        let url = try fixture.diskBlobs.path(for: hash)
        let handle = try FileHandle(forUpdating: url)
        try handle.seek(toOffset: 2_000_000)
        try handle.write(contentsOf: Data(repeating: 0, count: 16))
        try handle.close()
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let raw = try RawConnection(port: try #require(client.port))
            try raw.send("GET /s/\(link.token)/assets/\(large.id!)/download/original HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let answer = await raw.readOffPool(upTo: 8 << 20, timeout: .seconds(30))
            #expect(answer.closed)
            let headerEnd = try #require(answer.bytes.firstIndex(of: [13, 10, 13, 10]))
            let bodyBytes = answer.bytes.count - (headerEnd + 4)
            #expect(bodyBytes < 3 * 1_048_576, "the damaged file was delivered whole")
            #expect(bodyBytes >= 3 * 1_048_576 - 2 * BlobResponder.chunkSize)
        }
    }

    @Test func blobScrubFindsDamagedAndMissingBlobsAndRepairsThemFromACopy() throws {
        let fixture = try ShareFixture()
        let a = try fixture.addImage("iptc.jpg", name: "A")
        let b = try fixture.addImage("cmyk.jpg", name: "B")
        let copy = fixture.directory.appendingPathComponent("backup")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let aHash = try fixture.originalHash(of: a), bHash = try fixture.originalHash(of: b)
        // A backup that is just a folder of files, under other names.
        try fixture.blob(aHash).write(to: copy.appendingPathComponent("a-backup.jpg"))
        try fixture.blob(bHash).write(to: copy.appendingPathComponent("b-backup.jpg"))
        try fixture.damageBlob(aHash, keepingBytes: 1_000)
        try FileManager.default.removeItem(at: try fixture.diskBlobs.path(for: bHash))
        let scrubber = BlobScrubber(blobs: fixture.home.blobs, references: fixture.home.catalog)
        let report = try scrubber.scrub()
        #expect(report.checked == 6)
        #expect(report.problems.map(\.problem).sorted { $0.rawValue < $1.rawValue } == [.missing, .wrongSize])
        #expect(report.problems.first { $0.hash == aHash }?.usedBy == ["asset \(a.id!) v1"])
        #expect(report.unrepaired == 2)
        let repaired = try scrubber.scrub(repairFrom: copy)
        #expect(repaired.problems.allSatisfy { $0.repaired })
        #expect(repaired.unrepaired == 0)
        let clean = try scrubber.scrub()
        #expect(clean.problems.isEmpty && clean.ok == 6)
        #expect(try fixture.home.blobs.verify(aHash) && fixture.home.blobs.verify(bHash))
    }

    @Test func zipEncoderThrowsWhenAnEntryChangesSize() throws {
        var encoder = ZipStreamEncoder()
        _ = try encoder.beginEntry(name: "a.jpg", size: 10, modified: Date())
        #expect(throws: ZipStreamError.sizeChanged(name: "a.jpg", expected: 10, written: 7)) {
            _ = try encoder.endEntry(crc: 0, bytesWritten: 7)
        }
        #expect(throws: ZipStreamError.entryStillOpen) { _ = try encoder.finish() }
    }

    @Test func cachedLinksFollowChangesFromThisProcessAndFromAnother() async throws {
        let fixture = try ShareFixture()
        let a = try fixture.addImage("iptc.jpg", name: "First")
        let b = try fixture.addImage("cmyk.jpg", name: "Second")
        let collection = try fixture.collections.createCollection(name: "Live", by: .system)
        _ = try fixture.collections.addAssets([a.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug)), by: .system)
        // Another process: its own connection pool on the same catalog file.
        let otherProcess = SQLiteCatalog(database: try CatalogDatabase(url: fixture.home.catalogURL))
        let otherCollections = CollectionService(collections: otherProcess, assets: otherProcess)
        let otherShares = ShareService(shares: otherProcess, collections: otherProcess, assets: otherProcess)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            func names() async throws -> [String] {
                let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
                return (json["assets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names() == ["First"])
            #expect(try await names() == ["First"])
            // A change through this process's writer is seen at once.
            _ = try fixture.collections.addAssets([b.id!], to: collection.slug, by: .system)
            #expect(try await names() == ["First", "Second"])
            // A change by another process is seen within the counter's maximum age (100 ms).
            _ = try otherCollections.removeAssets([a.id!], from: collection.slug)
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await names() == ["Second"])
            _ = try otherShares.revoke(token: link.token, by: .cli)
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await client.execute(uri: "/s/\(link.token)", method: .get).status == .notFound)
        }
    }

    @Test func accessLogRowsWaitingInTheBatchAreWrittenOnGracefulShutdown() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("iptc.jpg")
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!)), by: .system)
        // A long interval: nothing is flushed by the timer while the server runs.
        let configuration = ServerConfiguration(port: 0, accessLogInterval: .seconds(30))
        try await withLiveServer(fixture, configuration: configuration) { (client: any TestClientProtocol) async throws -> Void in
            for _ in 0..<25 {
                #expect(try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)/view/THUMBNAIL_MEDIUM", method: .get).status == .ok)
            }
            #expect(try await client.execute(uri: "/s/\(link.token)", method: .get).status == .ok)
        }
        let rows = try fixture.home.catalog.shareAccessLog(linkId: link.id!)
        #expect(rows.filter { $0.renditionType == "THUMBNAIL_MEDIUM" }.count == 25)
        #expect(try fixture.home.catalog.shareLink(id: link.id!)?.accessCount == 1)
    }
}

extension Array where Element == UInt8 {
    /// Where `pattern` first occurs, for finding markers in a raw response.
    func firstIndex(of pattern: [UInt8]) -> Int? {
        guard count >= pattern.count, let first = pattern.first else { return nil }
        var i = 0
        while i <= count - pattern.count {
            if self[i] == first, Array(self[i..<(i + pattern.count)]) == pattern { return i }
            i += 1
        }
        return nil
    }
}

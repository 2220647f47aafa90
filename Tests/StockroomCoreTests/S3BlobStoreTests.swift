import Crypto
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// An S3 blob store on its own new bucket of the test server (moto from scripts/test-servers,
/// or whatever `STOCKROOM_TEST_S3_URL` names), which checks every request's signature.
struct S3Fixture {
    let dir = TemporaryDirectory("stockroom-s3")
    let location: S3Location
    let credentials: AWSCredentials

    init(prefix: String = "stockroom/blobs") throws {
        let endpoint = try #require(ServerEnvironment.s3URL, Comment(rawValue: ServerEnvironment.missingS3))
        let keys = ServerEnvironment.s3Credentials
        credentials = AWSCredentials(accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey)
        location = try S3Location(bucket: "stockroom-test-\(UUID().uuidString.lowercased().prefix(13))", prefix: prefix,
                                  endpoint: endpoint, region: "us-east-1", pathStyle: true)
    }

    /// Multipart from 6 MiB up, in S3's smallest parts (5 MiB): a 12 MiB file is three parts.
    func store(cacheBytes: Int64 = 1 << 30, multipartThreshold: Int = 6 << 20, parallelParts: Int = 2,
               credentials: AWSCredentials? = nil, maxAttempts: Int = 5,
               beforeComplete: (@Sendable () throws(DomainError) -> Void)? = nil) throws -> S3BlobStore {
        let cache = try BlobReadCache(root: dir.url.appendingPathComponent("cache"), maxBytes: cacheBytes, minimumAge: 0)
        return try S3BlobStore(location: location, credentials: credentials ?? self.credentials, cache: cache,
                               multipartThreshold: multipartThreshold, partSize: S3BlobStore.minimumPartSize,
                               parallelParts: parallelParts, maxAttempts: maxAttempts, beforeComplete: beforeComplete)
    }

    func createBucket() throws -> S3BlobStore {
        let store = try store()
        try store.createBucket()
        return store
    }

    static func bytes(_ count: Int, seed: UInt8) -> Data {
        var state = UInt32(seed) &* 2_654_435_761 | 1
        return Data((0..<count).map { _ in
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        })
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// The bucket's unfinished multipart uploads.
    static func pendingUploads(_ store: S3BlobStore) throws -> Int {
        let response = try store.transport.perform(S3Request(.GET, key: nil, query: [.init("uploads", "")], operation: "list uploads"))
        #expect(response.isSuccess)
        return String(decoding: response.body, as: UTF8.self).components(separatedBy: "<UploadId>").count - 1
    }
}

@Suite("S3 blob store against a real S3 server", .enabled(if: ServerEnvironment.runS3Tests))
struct S3BlobStoreTests {
    @Test("a small blob: content address, dedupe, HEAD, ranges, the object key")
    func smallBlob() throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(300_000, seed: 1)
        let stored = try store.put(data)
        #expect(stored == StoredBlob(hash: S3Fixture.sha256(data), byteSize: 300_000, wasNew: true))
        #expect(store.contains(stored.hash))
        #expect(try store.size(of: stored.hash) == 300_000)
        #expect(try store.readAll(stored.hash) == data)
        let reader = try store.openReader(stored.hash)
        #expect(reader.size == 300_000)
        #expect(try reader.read(at: 123_456, count: 1000) == data[123_456..<124_456])
        #expect(try reader.read(at: 299_990, count: 1000) == data[299_990...])  // clipped at the end
        #expect(try reader.read(at: 300_000, count: 10).isEmpty)
        reader.close()
        #expect(try store.put(data).wasNew == false)
        let hash = stored.hash
        #expect(store.location(of: hash) == "s3://\(fixture.location.bucket)/stockroom/blobs/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)")
        #expect(try store.verify(hash))
    }

    @Test("a large file goes up in parts (streamed from disk) and comes back byte for byte")
    func multipartFile() throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(12 << 20 + 12_345, seed: 2)
        let source = fixture.dir.file("large.bin")
        try data.write(to: source)
        let stored = try store.put(contentsOf: source)
        #expect(stored == StoredBlob(hash: S3Fixture.sha256(data), byteSize: Int64(data.count), wasNew: true))
        #expect(try store.size(of: stored.hash) == Int64(data.count))
        let reader = try store.openReader(stored.hash)
        let boundary = S3BlobStore.minimumPartSize
        #expect(try reader.read(at: Int64(boundary - 500), count: 1000) == data[(boundary - 500)..<(boundary + 500)])
        #expect(try store.verify(stored.hash))
        #expect(try store.put(contentsOf: source).wasNew == false)
        #expect(try S3Fixture.pendingUploads(store) == 0)
        // A worker's local copy: downloaded, verified, in the cache.
        let local = try store.localFile(for: stored.hash)
        #expect(try Data(contentsOf: local) == data)
        #expect(local.path.hasPrefix(store.cache.root.path))
        #expect(store.cache.totalBytes == Int64(data.count))
    }

    @Test("bytes in memory above the threshold go up in parts too")
    func multipartData() throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(11 << 20, seed: 3)
        let stored = try store.put(data)
        #expect(stored.wasNew && stored.byteSize == Int64(data.count))
        #expect(try store.readAll(stored.hash) == data)
    }

    @Test("a failed multipart upload is aborted and leaves no object")
    func abortedUpload() throws {
        let fixture = try S3Fixture()
        try fixture.createBucket().checkBucket()
        let store = try fixture.store(beforeComplete: { () throws(DomainError) in throw .storage("simulated crash before completion") })
        let data = S3Fixture.bytes(7 << 20, seed: 4)
        #expect(throws: DomainError.storage("simulated crash before completion")) { try store.put(data) }
        #expect(!store.contains(S3Fixture.sha256(data)))
        #expect(try S3Fixture.pendingUploads(store) == 0)
    }

    @Test("a missing blob is notFound everywhere; a malformed hash is refused before any request")
    func missing() throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let absent = S3Fixture.sha256(Data("never stored".utf8))
        #expect(!store.contains(absent))
        #expect(throws: DomainError.notFound("blob \(absent) is missing from \(fixture.location)")) { try store.size(of: absent) }
        #expect(throws: DomainError.notFound("blob \(absent) is missing from \(fixture.location)")) { try store.openReader(absent) }
        #expect(throws: DomainError.notFound("blob \(absent) is missing from \(fixture.location)")) { try store.localFile(for: absent) }
        #expect(throws: DomainError.notFound("blob \(absent) is missing from \(fixture.location)")) { try store.verify(absent) }
        #expect(throws: DomainError.invalidArgument("not a blob hash: ../../etc/passwd")) { try store.localFile(for: "../../etc/passwd") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.cache.root.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("an object overwritten behind the store's back fails verification and is never cached")
    func corruptedObject() throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(50_000, seed: 5)
        let hash = try store.put(data).hash
        // A raw signed PUT of other bytes under the blob's key.
        let key = fixture.location.key(for: hash)
        let overwrite = try store.transport.perform(S3Request(.PUT, key: key, body: ByteBuffer(string: "not the original"), operation: "PUT"))
        #expect(overwrite.isSuccess)
        #expect(try store.verify(hash) == false)
        #expect(throws: DomainError.storage("blob \(hash) downloaded from s3://\(fixture.location.bucket)/\(key) does not match its hash: the object is corrupt")) {
            try store.localFile(for: hash)
        }
        #expect(store.cache.count == 0)
    }

    @Test("allHashes lists every blob under the prefix (over several pages); restore puts a damaged object back")
    func listAndRestore() throws {
        // A one-segment prefix: moto 5.2.1 miscomputes the signature of a query value holding "/"
        // (boto3's own ListObjectsV2 with Prefix="a/" fails against it the same way).
        let fixture = try S3Fixture(prefix: "blobs")
        let store = try fixture.createBucket()
        var expected: [String] = []
        for seed in 0..<7 { expected.append(try store.put(S3Fixture.bytes(1_000 + seed, seed: UInt8(seed))).hash) }
        // An object under the prefix that is not a blob, and one outside the prefix: neither is listed.
        _ = try store.transport.perform(S3Request(.PUT, key: "\(fixture.location.prefix)/notes.txt", body: ByteBuffer(string: "x"), operation: "PUT"))
        _ = try store.transport.perform(S3Request(.PUT, key: "elsewhere/\(expected[0])", body: ByteBuffer(string: "x"), operation: "PUT"))
        _ = try store.transport.perform(S3Request(.PUT, key: "blobs2/\(expected[0].prefix(2))/\(expected[0].dropFirst(2).prefix(2))/\(expected[0])",
                                                  body: ByteBuffer(string: "x"), operation: "PUT"))
        #expect(try store.allHashes() == expected.sorted())
        #expect(try store.allHashes(pageSize: 3) == expected.sorted())

        let original = S3Fixture.bytes(1_003, seed: 3)
        let hash = S3Fixture.sha256(original)
        _ = try store.transport.perform(S3Request(.PUT, key: fixture.location.key(for: hash), body: ByteBuffer(string: "bit rot"), operation: "PUT"))
        #expect(try store.verify(hash) == false)
        let wrong = fixture.dir.file("wrong")
        try Data("other bytes".utf8).write(to: wrong)
        #expect(throws: DomainError.self) { try store.restore(hash, from: wrong) }
        let copy = fixture.dir.file("copy")
        try original.write(to: copy)
        try store.restore(hash, from: copy)
        #expect(try store.verify(hash))
        #expect(try store.readAll(hash) == original)
    }

    @Test("the read cache stays under its bound, evicting the least recently used copy")
    func cacheEviction() throws {
        let fixture = try S3Fixture()
        _ = try fixture.createBucket()
        let store = try fixture.store(cacheBytes: 2_500_000)
        let blobs = try (0..<3).map { try store.put(S3Fixture.bytes(1_000_000, seed: UInt8(10 + $0))).hash }
        let first = try store.localFile(for: blobs[0])
        Thread.sleep(forTimeInterval: 0.05)
        _ = try store.localFile(for: blobs[1])
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try store.localFile(for: blobs[0]) == first)  // a hit: now the most recent
        Thread.sleep(forTimeInterval: 0.05)
        _ = try store.localFile(for: blobs[2])
        #expect(store.cache.count == 2)
        #expect(store.cache.totalBytes <= 2_500_000)
        #expect(store.cache.lookup(blobs[1]) == nil)  // least recently used: evicted
        #expect(store.cache.lookup(blobs[0]) != nil)
        // Evicted copies come back on demand, and a reopened cache finds what is on disk.
        #expect(try Data(contentsOf: store.localFile(for: blobs[1])) == S3Fixture.bytes(1_000_000, seed: 11))
        let reopened = try BlobReadCache(root: store.cache.root, maxBytes: 2_500_000, minimumAge: 0)
        #expect(reopened.count == 2 && reopened.totalBytes == 2_000_000)
    }

    @Test("stream reads a range in chunks through one ranged GET; the default does the same over openReader")
    func streaming() async throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(6_000_000, seed: 6)
        let hash = try store.put(data).hash
        func collect(_ stream: AsyncThrowingStream<Data, any Error>, maxChunk: Int) async throws -> Data {
            var all = Data()
            for try await chunk in stream {
                #expect(!chunk.isEmpty && chunk.count <= maxChunk)
                all.append(chunk)
            }
            return all
        }
        #expect(try await collect(store.stream(hash, range: 1000..<5_000_000, chunkSize: 65_536), maxChunk: 65_536) == data[1000..<5_000_000])
        #expect(try await collect(store.stream(hash, range: nil, chunkSize: 1 << 20), maxChunk: 1 << 20) == data)
        #expect(try await collect(store.stream(hash, range: 10..<10, chunkSize: 100), maxChunk: 100).isEmpty)
        let absent = S3Fixture.sha256(Data("absent".utf8))
        await #expect(throws: DomainError.notFound("blob \(absent) is missing from \(fixture.location)")) {
            for try await _ in store.stream(absent, range: nil, chunkSize: 100) {}
        }
        let disk = try DiskBlobStore(root: fixture.dir.url.appendingPathComponent("disk"))
        let diskHash = try disk.put(data).hash
        #expect(try await collect(disk.stream(diskHash, range: 999..<2_000_001, chunkSize: 4096), maxChunk: 4096) == data[999..<2_000_001])
    }

    /// A proxy in front of the test server that cuts its first connection after `cutAfter` bytes
    /// of response; the store returned talks through it.
    private func storeBehindCuttingProxy(_ fixture: S3Fixture, cache: BlobReadCache, cutAfter: Int) throws -> (S3BlobStore, Process, Pipe) {
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: try #require(ServerEnvironment.executable("python3")))
        proxy.arguments = [Corpus.repositoryRoot.appendingPathComponent("Tests/Fixtures/s3/cutting_proxy.py").path,
                           String(try #require(fixture.location.endpoint.port)), String(cutAfter)]
        let stdin = Pipe(), stdout = Pipe()
        proxy.standardInput = stdin
        proxy.standardOutput = stdout
        try proxy.run()
        let portLine = String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)))
        let store = try S3BlobStore(
            location: S3Location(bucket: fixture.location.bucket, prefix: fixture.location.prefix,
                                 endpoint: URL(string: "http://127.0.0.1:\(port)"), pathStyle: true),
            credentials: fixture.credentials, cache: cache)
        return (store, proxy, stdin)
    }

    @Test("a connection broken mid-body: a stream resumes from the next byte, a download starts again")
    func brokenConnections() async throws {
        let fixture = try S3Fixture()
        let store = try fixture.createBucket()
        let data = S3Fixture.bytes(3_000_000, seed: 7)
        let hash = try store.put(data).hash

        let (streaming, proxy1, stop1) = try storeBehindCuttingProxy(fixture, cache: store.cache, cutAfter: 1_000_000)
        defer { try? stop1.fileHandleForWriting.close(); proxy1.waitUntilExit() }
        var received = Data()
        for try await chunk in streaming.stream(hash, range: 500..<3_000_000, chunkSize: 100_000) { received.append(chunk) }
        #expect(received.count == 2_999_500)
        #expect(received == data[500...])

        let (downloading, proxy2, stop2) = try storeBehindCuttingProxy(fixture, cache: store.cache, cutAfter: 1_500_000)
        defer { try? stop2.fileHandleForWriting.close(); proxy2.waitUntilExit() }
        #expect(try Data(contentsOf: downloading.localFile(for: hash)) == data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.cache.root.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("wrong credentials and a missing bucket are one clear line each")
    func refusals() throws {
        let fixture = try S3Fixture()
        let good = try fixture.createBucket()
        let hash = try good.put(Data("x".utf8)).hash
        let wrong = try fixture.store(credentials: AWSCredentials(accessKeyId: fixture.credentials.accessKeyId, secretAccessKey: "not-the-secret"))
        do {
            _ = try wrong.readAll(hash)
            Issue.record("a wrongly signed request was accepted")
        } catch {
            #expect(error.description.hasPrefix("S3 refused"))
            #expect(error.description.contains("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))
        }
        let elsewhere = try S3Fixture()
        #expect(throws: DomainError.storage("S3 bucket \(elsewhere.location.bucket) does not exist at \(elsewhere.location.endpoint.absoluteString)")) {
            try elsewhere.store().checkBucket()
        }
    }

    @Test("an unreachable endpoint fails after its retries with the endpoint named")
    func unreachable() throws {
        let socket = try ServerSocket.bindEphemeral()
        let port = socket.port
        socket.close()
        let location = try S3Location(bucket: "nowhere", endpoint: URL(string: "http://127.0.0.1:\(port)")!, region: "us-east-1")
        let dir = TemporaryDirectory()
        let store = try S3BlobStore(location: location, credentials: AWSCredentials(accessKeyId: "a", secretAccessKey: "b"),
                                    cache: BlobReadCache(root: dir.url, maxBytes: 1 << 20), maxAttempts: 2)
        do {
            _ = try store.size(of: S3Fixture.sha256(Data()))
            Issue.record("a request to a closed port succeeded")
        } catch {
            #expect(error.description.contains("127.0.0.1:\(port)"))
            #expect(error.description.contains("after 2 attempts"))
        }
    }

    @Test("a synchronous call on an event-loop thread is refused instead of blocking the loop")
    func refusesEventLoop() throws {
        let fixture = try S3Fixture()
        let store = try fixture.store()
        let outcome = try S3Transport.eventLoopGroup.next().submit { () -> String in
            do {
                _ = try store.size(of: S3Fixture.sha256(Data()))
                return "returned"
            } catch {
                return String(describing: error)
            }
        }.wait()
        #expect(outcome.contains("synchronously on an event-loop thread"))
    }
}

/// A loopback port that nothing listens on once closed.
struct ServerSocket {
    let fd: Int32
    let port: Int

    static func bindEphemeral() throws -> ServerSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return ServerSocket(fd: fd, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    func close() { _ = Foundation.close(fd) }
}

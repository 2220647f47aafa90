import Foundation
import HummingbirdTesting
import StockroomCore
import StockroomTestSupport
import Testing
import ZIPFoundation

/// A data home whose blobs are in S3 (moto on loopback, from scripts/test-servers), served
/// through a share link: whole files, ranges and the zip stream from the bucket with the same
/// rules as from disk.
@Suite("Share links served from an S3 blob store", .enabled(if: ServerEnvironment.runS3Tests))
struct S3ServingTests {
    static func s3Fixture() throws -> ShareFixture {
        let endpoint = try #require(ServerEnvironment.s3URL, Comment(rawValue: ServerEnvironment.missingS3))
        let keys = ServerEnvironment.s3Credentials
        let bucket = "stockroom-serve-\(UUID().uuidString.lowercased().prefix(13))"
        let location = try S3Location(bucket: bucket, prefix: "blobs", endpoint: endpoint, region: "us-east-1", pathStyle: true)
        let scratch = TemporaryDirectory("stockroom-s3-bucket")
        let credentials = AWSCredentials(accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey)
        try S3BlobStore(location: location, credentials: credentials, cache: try BlobReadCache(root: scratch.url, maxBytes: 1 << 20))
            .createBucket()
        var environment = ProcessInfo.processInfo.environment
        environment["STOCKROOM_BLOBS"] = "s3://\(bucket)/blobs?endpoint=\(endpoint.absoluteString)&region=us-east-1&pathStyle=true"
        environment["AWS_ACCESS_KEY_ID"] = keys.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = keys.secretAccessKey
        let fixture = try ShareFixture(environment: environment)
        #expect(fixture.home.blobs is S3BlobStore)
        return fixture
    }

    @Test func originalsRangesAndTheZipComeFromTheBucket() async throws {
        let fixture = try Self.s3Fixture()
        let photo = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour", originalFilename: "harbour.jpg")
        let large = try fixture.addLargeOriginal(megabytes: 3)
        let collection = try fixture.collections.createCollection(name: "From the bucket", by: .system)
        _ = try fixture.collections.addAssets([photo.id!, large.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug)), by: .system)
        let largeBytes = try fixture.blob(try fixture.originalHash(of: large))
        let photoBytes = try fixture.blob(try fixture.originalHash(of: photo))
        #expect(largeBytes.count == 3 << 20)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let original = "/s/\(link.token)/assets/\(large.id!)/download/original"
            let whole = try await client.execute(uri: original, method: .get)
            #expect(whole.status == .ok)
            #expect(whole.bytes == largeBytes)
            // A range in the middle, across chunk boundaries: one ranged GET on the bucket.
            let ranged = try await client.execute(uri: original, method: .get, headers: [.range: "bytes=1000000-2100000"])
            #expect(ranged.status == .partialContent)
            #expect(ranged.headers[.contentRange] == "bytes 1000000-2100000/\(largeBytes.count)")
            #expect(ranged.bytes == largeBytes.subdata(in: 1_000_000..<2_100_001))
            let tail = try await client.execute(uri: original, method: .get, headers: [.range: "bytes=-10"])
            #expect(tail.bytes == largeBytes.suffix(10))

            let zip = try await client.execute(uri: "/s/\(link.token)/download-all", method: .get)
            #expect(zip.status == .ok)
            let archive = try Archive(data: zip.bytes, accessMode: .read)
            var contents: [Data] = []
            for entry in archive {
                var data = Data()
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
                contents.append(data)
            }
            #expect(Set(contents) == [photoBytes, largeBytes])
        }
    }
}

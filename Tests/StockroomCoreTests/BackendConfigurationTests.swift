import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Backend selection: catalog: and blobs: in stockroom.yml, STOCKROOM_CATALOG / STOCKROOM_BLOBS")
struct BackendConfigurationTests {
    let dir = TemporaryDirectory()

    @Test("s3:// URLs: bucket, prefix, endpoint, region, addressing")
    func s3URLs() throws {
        let aws = try S3Location(url: "s3://media-bucket/studio/blobs/", environment: [:])
        #expect(aws.bucket == "media-bucket" && aws.prefix == "studio/blobs" && aws.region == "us-east-1")
        #expect(aws.endpoint.absoluteString == "https://s3.us-east-1.amazonaws.com" && aws.pathStyle == false)
        #expect(aws.address(key: "studio/blobs/ab/cd/x") == ("https", "media-bucket.s3.us-east-1.amazonaws.com", "/studio/blobs/ab/cd/x"))
        #expect(try S3Location(url: "s3://media-bucket", environment: ["AWS_REGION": "eu-west-3"]).endpoint.host == "s3.eu-west-3.amazonaws.com")

        let minio = try S3Location(url: "s3://media/p?endpoint=http://127.0.0.1:9000&region=eu-central-1", environment: [:])
        #expect(minio.pathStyle && minio.region == "eu-central-1")
        #expect(minio.address(key: nil) == ("http", "127.0.0.1:9000", "/media"))
        #expect(minio.key(for: String(repeating: "ab", count: 32)) == "p/ab/ab/" + String(repeating: "ab", count: 32))
        let hosted = try S3Location(url: "s3://media?endpoint=https://objects.example.com&pathStyle=true", environment: [:])
        #expect(hosted.address(key: "k") == ("https", "objects.example.com", "/media/k"))
        #expect(hosted.description == "s3://media")

        #expect(throws: DomainError.invalidArgument("unknown S3 URL parameter bucket in s3://media?bucket=x (known: endpoint, region, pathStyle)")) {
            try S3Location(url: "s3://media?bucket=x", environment: [:])
        }
        #expect(throws: DomainError.self) { try S3Location(url: "s3://Not_A_Bucket", environment: [:]) }
        #expect(throws: DomainError.self) { try S3Location(url: "s3://media?endpoint=ftp://x", environment: [:]) }
        #expect(throws: DomainError.self) { try S3Location(url: "s3://media?pathStyle=maybe", environment: [:]) }
        #expect(throws: DomainError.self) { try S3Location(url: "https://media", environment: [:]) }
    }

    @Test("postgresql:// URLs are parsed, validated and never print their password")
    func postgresURLs() throws {
        let url = try PostgresURL("postgresql://stock%20room:s%40cret@db.internal:6543/assets")
        #expect(url == PostgresURL(user: "stock room", password: "s@cret", host: "db.internal", port: 6543, database: "assets"))
        #expect(url.description == "postgresql://stock room:•••@db.internal:6543/assets")
        #expect(try PostgresURL("postgres://u@localhost/db").port == 5432)
        #expect(throws: DomainError.self) { try PostgresURL("postgresql://db.internal/assets") }
        #expect(throws: DomainError.self) { try PostgresURL("postgresql://u:p@db.internal") }
        #expect(throws: DomainError.self) { try PostgresURL("mysql://u:p@db/x") }
        do {
            _ = try PostgresURL("postgresql://u:hunter2@/x")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("sizes as people write them")
    func sizes() {
        #expect(ByteSize.parse("1073741824") == 1_073_741_824)
        #expect(ByteSize.parse("10GiB") == 10 << 30)
        #expect(ByteSize.parse("500 MB") == 500_000_000)
        #expect(ByteSize.parse("1.5g") == 1_610_612_736)
        #expect(ByteSize.parse("lots") == nil)
        #expect(ByteSize.parse("5 parsecs") == nil)
    }

    @Test("without configuration a home is SQLite + disk, as before")
    func defaults() throws {
        let home = try DataHome.initialize(at: dir.url, environment: [:])
        #expect(home.blobs is DiskBlobStore)
        #expect(home.backends.catalog == .sqlite && home.backends.blobs == .disk)
        #expect(home.backends.blobCacheRoot.path == dir.url.appendingPathComponent("blob-cache").path)
    }

    @Test("the environment wins over stockroom.yml; a bad value is one clear line")
    func precedence() throws {
        try """
        blobs: s3://from-file/prefix?endpoint=http://127.0.0.1:9&pathStyle=true
        blobCache:
          path: cache-here
          maxSize: 3GiB
        aws:
          accessKeyId: FILEKEY
          secretAccessKey: filesecret
        watch: []
        """.write(to: dir.file("stockroom.yml"), atomically: true, encoding: .utf8)
        let fromFile = try BackendConfiguration.load(home: dir.url, environment: [:])
        #expect(fromFile.blobs == .s3(try S3Location(bucket: "from-file", prefix: "prefix", endpoint: URL(string: "http://127.0.0.1:9"), pathStyle: true)))
        #expect(fromFile.blobCacheBytes == 3 << 30)
        #expect(fromFile.blobCacheRoot.path == dir.url.appendingPathComponent("cache-here").path)
        #expect(fromFile.credentials == AWSCredentials(accessKeyId: "FILEKEY", secretAccessKey: "filesecret"))

        let fromEnvironment = try BackendConfiguration.load(home: dir.url, environment: [
            "STOCKROOM_BLOBS": "disk", "STOCKROOM_BLOB_CACHE_SIZE": "1MB",
            "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret",
        ])
        #expect(fromEnvironment.blobs == .disk && fromEnvironment.blobCacheBytes == 1_000_000)
        #expect(fromEnvironment.credentials?.accessKeyId == "ENVKEY")
        // The rest of stockroom.yml still reads as before.
        #expect(try HomeConfiguration.load(dir.file("stockroom.yml")).watch.isEmpty)

        #expect(throws: DomainError.invalidArgument("unknown blob store nfs://x: use disk or s3://BUCKET[/PREFIX]?endpoint=URL&region=R&pathStyle=true")) {
            try BackendConfiguration.load(home: dir.url, environment: ["STOCKROOM_BLOBS": "nfs://x"])
        }
        #expect(throws: DomainError.self) { try BackendConfiguration.load(home: dir.url, environment: ["STOCKROOM_BLOB_CACHE_SIZE": "big"]) }
    }

    @Test("a PostgreSQL catalog URL is validated; an unreachable server is one line, without the password")
    func postgresCatalogUnreachable() throws {
        // A port nothing listens on: refused at once, no DNS involved.
        let refusing = "postgresql://u:secret-pw@127.0.0.1:1/x"
        do {
            _ = try DataHome.initialize(at: dir.url, environment: ["STOCKROOM_CATALOG": refusing])
            Issue.record("a catalog on a closed port opened")
        } catch {
            #expect(error.description.hasPrefix("PostgreSQL at postgresql://u:•••@127.0.0.1:1/x is unreachable"), "\(error)")
            #expect(!error.description.contains("secret-pw") && !error.description.contains("\n"))
        }
        #expect(throws: DomainError.self) { try DataHome.initialize(at: dir.url, environment: ["STOCKROOM_CATALOG": "postgresql://db/x"]) }
        #expect(throws: DomainError.self) { try DataHome.initialize(at: dir.url, environment: ["STOCKROOM_CATALOG": "oracle"]) }
        #expect(try DataHome.initialize(at: dir.url, environment: ["STOCKROOM_CATALOG": "sqlite"]).blobs is DiskBlobStore)
    }

    @Test("S3 without credentials is refused with the variables to set")
    func s3NeedsCredentials() throws {
        #expect(throws: DomainError.invalidArgument("the S3 blob store s3://media needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or aws: in stockroom.yml)")) {
            try DataHome.initialize(at: dir.url, environment: ["STOCKROOM_BLOBS": "s3://media?endpoint=http://127.0.0.1:9"])
        }
    }

    @Test("a data home on S3, chosen by stockroom.yml or by the environment", .enabled(if: ServerEnvironment.runS3Tests))
    func homeOnS3() throws {
        let fixture = try S3Fixture(prefix: "home")
        _ = try fixture.createBucket()
        let endpoint = fixture.location.endpoint.absoluteString
        let url = "s3://\(fixture.location.bucket)/home?endpoint=\(endpoint)&pathStyle=true"
        let credentials = ["AWS_ACCESS_KEY_ID": fixture.credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": fixture.credentials.secretAccessKey]

        // By the environment.
        let byEnvironment = try DataHome.initialize(at: dir.url.appendingPathComponent("a"), environment: credentials.merging(["STOCKROOM_BLOBS": url]) { $1 })
        let s3 = try #require(byEnvironment.blobs as? S3BlobStore)
        #expect(s3.location == fixture.location)
        let stored = try byEnvironment.blobs.put(Data("an original on S3".utf8))
        #expect(try byEnvironment.blobs.readAll(stored.hash) == Data("an original on S3".utf8))
        #expect(byEnvironment.blobs.location(of: stored.hash).hasPrefix("s3://\(fixture.location.bucket)/home/"))
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("a/blobs").path))

        // By stockroom.yml (credentials in the file), reopened later with open(at:).
        let homeB = dir.url.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: homeB, withIntermediateDirectories: true)
        try """
        blobs: "\(url)"
        aws:
          accessKeyId: \(fixture.credentials.accessKeyId)
          secretAccessKey: "\(fixture.credentials.secretAccessKey)"
        """.write(to: homeB.appendingPathComponent("stockroom.yml"), atomically: true, encoding: .utf8)
        _ = try DataHome.initialize(at: homeB, environment: [:])
        let reopened = try DataHome.open(at: homeB, environment: [:])
        #expect(reopened.blobs is S3BlobStore)
        #expect(reopened.blobs.contains(stored.hash))
        #expect(try Data(contentsOf: reopened.blobs.localFile(for: stored.hash)) == Data("an original on S3".utf8))
        #expect(reopened.backends.blobCacheRoot.path == homeB.appendingPathComponent("blob-cache").path)

        // A bucket that does not exist stops `init` with one line.
        #expect(throws: DomainError.self) {
            try DataHome.initialize(at: dir.url.appendingPathComponent("c"),
                                    environment: credentials.merging(["STOCKROOM_BLOBS": "s3://no-such-bucket-here?endpoint=\(endpoint)"]) { $1 })
        }
    }
}

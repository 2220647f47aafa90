import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Blobs in an S3 bucket (AWS, MinIO, moto, …), content-addressed exactly as `DiskBlobStore`:
/// the object key is `PREFIX/ab/cd/SHA256`.
///
/// - Uploads: a file up to `multipartThreshold` is read and sent in one signed PUT; a larger
///   one is hashed in a first pass (its key is its hash), then sent as a multipart upload of
///   `partSize` parts, `parallelParts` at a time, each part signed with its own SHA-256. Only
///   the parts in flight are in memory. The bytes sent are hashed again on the way out; if the
///   file changed between the passes the upload is aborted. Any failure aborts the upload.
/// - Reads: ranged GETs (`Range: bytes=a-b`); `stream` streams one ranged GET with backpressure.
/// - `localFile(for:)` downloads into `cache` (bounded, least recently used evicted), verifying
///   the SHA-256 while writing, so a worker or media engine can read a plain file.
/// - `verify` streams the whole object through SHA-256 without keeping it.
///
/// Threading: see `S3Transport` — synchronous methods block the calling thread (never call
/// them on an event loop), `stream` suspends.
public final class S3BlobStore: BlobStore {
    public static let defaultMultipartThreshold = 16 << 20
    public static let defaultPartSize = 8 << 20
    /// S3 rejects parts (other than the last) below 5 MiB.
    public static let minimumPartSize = 5 << 20

    public let location: S3Location
    public let cache: BlobReadCache
    public let multipartThreshold: Int
    public let partSize: Int
    public let parallelParts: Int
    let transport: S3Transport

    /// Test hook run after the parts of a multipart upload are sent, before it is completed.
    let beforeComplete: (@Sendable () throws(DomainError) -> Void)?

    public convenience init(location: S3Location, credentials: AWSCredentials, cache: BlobReadCache,
                            multipartThreshold: Int = S3BlobStore.defaultMultipartThreshold, partSize: Int = S3BlobStore.defaultPartSize,
                            parallelParts: Int = 4, maxAttempts: Int = 5) throws(DomainError) {
        try self.init(location: location, credentials: credentials, cache: cache, multipartThreshold: multipartThreshold,
                      partSize: partSize, parallelParts: parallelParts, maxAttempts: maxAttempts, beforeComplete: nil)
    }

    init(location: S3Location, credentials: AWSCredentials, cache: BlobReadCache, multipartThreshold: Int, partSize: Int,
         parallelParts: Int, maxAttempts: Int, beforeComplete: (@Sendable () throws(DomainError) -> Void)?) throws(DomainError) {
        self.beforeComplete = beforeComplete
        guard partSize >= Self.minimumPartSize else {
            throw .invalidArgument("S3 part size must be at least \(Self.minimumPartSize) bytes, not \(partSize)")
        }
        self.location = location
        self.cache = cache
        self.multipartThreshold = max(0, multipartThreshold)
        self.partSize = partSize
        self.parallelParts = max(1, parallelParts)
        var retry = S3Transport.RetryPolicy()
        retry.maxAttempts = max(1, maxAttempts)
        self.transport = S3Transport(location: location, credentials: credentials, retry: retry)
    }

    /// Opens the store an `s3://` URL names, with credentials from the environment unless given.
    public convenience init(url: String, credentials: AWSCredentials? = nil, cache: BlobReadCache,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) {
        let location = try S3Location(url: url, environment: environment)
        guard let credentials = credentials ?? AWSCredentials.fromEnvironment(environment) else {
            throw .invalidArgument("the S3 blob store \(location) needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        try self.init(location: location, credentials: credentials, cache: cache)
    }

    private func key(_ hash: String) throws(DomainError) -> String {
        guard DiskBlobStore.isValidHash(hash) else { throw .invalidArgument("not a blob hash: \(hash)") }
        return location.key(for: hash)
    }

    private func object(_ key: String) -> String { "s3://\(location.bucket)/\(key)" }

    public func location(of hash: String) -> String {
        (try? object(key(hash))) ?? "blob \(hash)"
    }

    /// A presigned GET URL (for handing a download to a client directly; S3's limit is 7 days).
    public func presignedURL(for hash: String, expiresIn seconds: Int) throws(DomainError) -> String {
        transport.presignedURL(key: try key(hash), expiresIn: min(max(1, seconds), 604_800))
    }

    // MARK: Metadata

    /// Fails clearly unless the bucket exists and the credentials may use it.
    public func checkBucket() throws(DomainError) {
        let request = S3Request(.HEAD, key: nil, operation: "HEAD bucket")
        let response = try transport.perform(request)
        if response.isSuccess { return }
        if response.status == 404 {
            throw .storage("S3 bucket \(location.bucket) does not exist at \(location.endpoint.absoluteString)")
        }
        throw transport.failure(response, request, object: location.description)
    }

    /// Creates the bucket (tests and first-time setup); an existing bucket of ours is fine.
    public func createBucket() throws(DomainError) {
        let request = S3Request(.PUT, key: nil, operation: "create bucket")
        let response = try transport.perform(request)
        if response.isSuccess || response.error.code == "BucketAlreadyOwnedByYou" { return }
        throw transport.failure(response, request, object: location.description)
    }

    /// The object's size, or nil when there is no such object.
    func head(_ key: String) throws(DomainError) -> Int64? {
        let request = S3Request(.HEAD, key: key, operation: "HEAD")
        let response = try transport.perform(request)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw transport.failure(response, request, object: object(key)) }
        guard let length = response.header("Content-Length").flatMap({ Int64($0) }) else {
            throw .storage("S3 HEAD of \(object(key)) gave no Content-Length")
        }
        return length
    }

    public func contains(_ hash: String) -> Bool {
        guard let key = try? key(hash) else { return false }
        return ((try? head(key)) ?? nil) != nil
    }

    public func size(of hash: String) throws(DomainError) -> Int64 {
        let key = try key(hash)
        guard let size = try head(key) else { throw .notFound("blob \(hash) is missing from \(location)") }
        return size
    }

    // MARK: Writes

    public func put(_ data: Data) throws(DomainError) -> StoredBlob {
        try put(data, replacing: false)
    }

    /// `replacing`: upload even when an object of the right size is there (a damaged copy).
    private func put(_ data: Data, replacing: Bool) throws(DomainError) -> StoredBlob {
        let hash = SignatureV4.hexSHA256(data)
        let key = location.key(for: hash)
        if !replacing, try head(key) == Int64(data.count) { return StoredBlob(hash: hash, byteSize: Int64(data.count), wasNew: false) }
        if data.count <= multipartThreshold {
            try putObject(key, ByteBuffer(bytes: data))
        } else {
            var offset = 0
            try multipartUpload(key, expectedHash: hash) { () throws(DomainError) -> ByteBuffer? in
                guard offset < data.count else { return nil }
                let end = min(data.count, offset + partSize)
                defer { offset = end }
                return ByteBuffer(bytes: data[data.startIndex + offset ..< data.startIndex + end])
            }
        }
        return StoredBlob(hash: hash, byteSize: Int64(data.count), wasNew: true)
    }

    public func put(contentsOf url: URL) throws(DomainError) -> StoredBlob {
        try put(contentsOf: url, replacing: false)
    }

    private func put(contentsOf url: URL, replacing: Bool) throws(DomainError) -> StoredBlob {
        guard let input = FileHandle(forReadingAtPath: url.path) else { throw .notFound("cannot read \(url.path)") }
        defer { try? input.close() }
        let size: Int64
        do {
            size = Int64(try input.seekToEnd())
            try input.seek(toOffset: 0)
        } catch {
            throw .storage("cannot read \(url.path): \(error.localizedDescription)")
        }
        if size <= Int64(multipartThreshold) {
            let data: Data
            do { data = try input.readToEnd() ?? Data() } catch { throw .storage("cannot read \(url.path): \(error.localizedDescription)") }
            return try put(data, replacing: replacing)
        }
        // First pass: the hash names the object, so it must be known before the upload starts.
        var hasher = SHA256()
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            try input.seek(toOffset: 0)
        } catch {
            throw .storage("cannot read \(url.path): \(error.localizedDescription)")
        }
        let hash = SignatureV4.hex(hasher.finalize())
        let key = location.key(for: hash)
        if !replacing, try head(key) == size { return StoredBlob(hash: hash, byteSize: size, wasNew: false) }
        let partSize = self.partSize
        try multipartUpload(key, expectedHash: hash) { () throws(DomainError) -> ByteBuffer? in
            let chunk: Data
            do { chunk = try input.read(upToCount: partSize) ?? Data() } catch {
                throw .storage("cannot read \(url.path): \(error.localizedDescription)")
            }
            return chunk.isEmpty ? nil : ByteBuffer(bytes: chunk)
        }
        return StoredBlob(hash: hash, byteSize: size, wasNew: true)
    }

    private func putObject(_ key: String, _ body: ByteBuffer) throws(DomainError) {
        let request = S3Request(.PUT, key: key, headers: [.init("Content-Type", "application/octet-stream")], body: body, operation: "PUT")
        let response = try transport.perform(request)
        guard response.isSuccess else { throw transport.failure(response, request, object: object(key)) }
    }

    /// Uploads the parts `nextPart` yields (in order, nil at the end), `parallelParts` at a
    /// time, then completes the upload; aborts it on any failure, or when the bytes sent do not
    /// hash to `expectedHash`.
    private func multipartUpload(_ key: String, expectedHash: String,
                                 nextPart: () throws(DomainError) -> ByteBuffer?) throws(DomainError) {
        let create = S3Request(.POST, key: key, query: [.init("uploads", "")], operation: "multipart upload start")
        let created = try transport.perform(create)
        guard created.isSuccess, let uploadId = S3XML.firstValue(of: "UploadId", in: created.body) else {
            throw created.isSuccess ? .storage("S3 gave no UploadId for \(object(key))") : transport.failure(created, create, object: object(key))
        }
        do {
            let etags = try uploadParts(key, uploadId: uploadId, expectedHash: expectedHash, nextPart: nextPart)
            try beforeComplete?()
            try completeUpload(key, uploadId: uploadId, etags: etags)
        } catch {
            abortUpload(key, uploadId: uploadId)
            throw error
        }
    }

    private func uploadParts(_ key: String, uploadId: String, expectedHash: String,
                             nextPart: () throws(DomainError) -> ByteBuffer?) throws(DomainError) -> [String] {
        var sent = SHA256()
        var inFlight: [(number: Int, request: S3Request, future: EventLoopFuture<S3Response>)] = []
        var etags: [Int: String] = [:]
        var number = 0

        func collect(_ part: (number: Int, request: S3Request, future: EventLoopFuture<S3Response>)) throws(DomainError) {
            let response: S3Response
            do { response = try part.future.wait() } catch { throw transport.transportError(error, part.request) }
            guard response.isSuccess else { throw transport.failure(response, part.request, object: object(key)) }
            guard let etag = response.header("ETag") else { throw .storage("S3 gave no ETag for part \(part.number) of \(object(key))") }
            etags[part.number] = etag
        }

        do throws(DomainError) {
            while let body = try nextPart() {
                number += 1
                guard number <= 10_000 else { throw .invalidArgument("\(object(key)) needs more than 10 000 parts; raise the part size") }
                body.withUnsafeReadableBytes { sent.update(bufferPointer: $0) }
                let request = S3Request(.PUT, key: key, query: [.init("partNumber", String(number)), .init("uploadId", uploadId)],
                                        body: body, operation: "upload of part \(number)")
                inFlight.append((number, request, transport.execute(request, sink: .collect(limit: 64 * 1024))))
                if inFlight.count >= parallelParts { try collect(inFlight.removeFirst()) }
            }
            while !inFlight.isEmpty { try collect(inFlight.removeFirst()) }
        } catch {
            // Let the parts still in the air land before the upload is aborted under them.
            for part in inFlight { _ = try? part.future.wait() }
            throw error
        }
        guard SignatureV4.hex(sent.finalize()) == expectedHash else {
            throw .conflict("the file for \(object(key)) changed while it was being stored; nothing was stored")
        }
        return (1...max(1, number)).compactMap { etags[$0] }
    }

    private func completeUpload(_ key: String, uploadId: String, etags: [String]) throws(DomainError) {
        let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
        let xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(parts.joined())</CompleteMultipartUpload>"
        let request = S3Request(.POST, key: key, query: [.init("uploadId", uploadId)],
                                headers: [.init("Content-Type", "application/xml")], body: ByteBuffer(string: xml),
                                operation: "multipart upload completion")
        let response = try transport.perform(request)
        // S3 may answer 200 and still report an error in the body of a completion.
        if response.isSuccess && S3XML.firstValue(of: "Code", in: response.body) == nil { return }
        let failure = S3ErrorResponse(status: response.isSuccess ? 500 : response.status, body: response.body)
        if failure.code == "NoSuchUpload", (try? head(key)) ?? nil != nil {
            return  // an earlier attempt completed it and its answer was lost
        }
        throw failure.domainError(operation: request.operation, object: object(key), location: location)
    }

    private func abortUpload(_ key: String, uploadId: String) {
        let request = S3Request(.DELETE, key: key, query: [.init("uploadId", uploadId)], operation: "multipart upload abort")
        _ = try? transport.perform(request)
    }

    /// Uploads `source` over the object of `hash` (a damaged or missing copy), after checking
    /// that its bytes hash to `hash`; the upload itself is hashed again on the way out.
    public func restore(_ hash: String, from source: URL) throws(DomainError) {
        _ = try key(hash)
        guard let input = FileHandle(forReadingAtPath: source.path) else { throw .notFound("cannot read \(source.path)") }
        var hasher = SHA256()
        do {
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw .storage("cannot read \(source.path): \(error.localizedDescription)")
        }
        let got = SignatureV4.hex(hasher.finalize())
        guard got == hash else { throw .invalidArgument("\(source.path) holds blob \(got), not \(hash)") }
        let stored = try put(contentsOf: source, replacing: true)
        guard stored.hash == hash else { throw .storage("\(source.path) changed while it was restored as blob \(hash)") }
        cache.remove(hash)
    }

    // MARK: Listing

    /// Every blob under the store's prefix (ListObjectsV2, a page of up to 1000 keys at a time).
    public func allHashes() throws(DomainError) -> [String] {
        try allHashes(pageSize: 1000)
    }

    func allHashes(pageSize: Int) throws(DomainError) -> [String] {
        // Without the trailing "/": keys of a sibling prefix ("blobs2/…") are filtered out below.
        let prefix = location.prefix
        var hashes: [String] = []
        var continuation: String?
        repeat {
            var query: [SignableRequest.Field] = [.init("list-type", "2"), .init("max-keys", String(pageSize)), .init("prefix", prefix)]
            if let continuation { query.append(.init("continuation-token", continuation)) }
            let request = S3Request(.GET, key: nil, query: query, operation: "list objects")
            let response = try transport.perform(request, sink: .collect(limit: 16 << 20))
            guard response.isSuccess else { throw transport.failure(response, request, object: location.description) }
            for key in S3XML.allValues(of: "Key", in: response.body) {
                let name = String(key.split(separator: "/").last ?? "")
                if DiskBlobStore.isValidHash(name), location.key(for: name) == key { hashes.append(name) }
            }
            let truncated = S3XML.firstValue(of: "IsTruncated", in: response.body) == "true"
            continuation = truncated ? S3XML.firstValue(of: "NextContinuationToken", in: response.body) : nil
            if truncated && continuation == nil {
                throw .storage("S3 list of \(location) was truncated without a continuation token")
            }
        } while continuation != nil
        return hashes.sorted()
    }

    // MARK: Reads

    public func openReader(_ hash: String) throws(DomainError) -> any BlobReader {
        let key = try key(hash)
        if let cached = cache.lookup(hash), let handle = FileHandle(forReadingAtPath: cached.path),
           let size = try? FileManager.default.attributesOfItem(atPath: cached.path)[.size] as? NSNumber {
            return DiskBlobReader(handle: handle, size: size.int64Value)
        }
        guard let size = try head(key) else { throw .notFound("blob \(hash) is missing from \(location)") }
        return S3BlobReader(store: self, key: key, size: size)
    }

    /// Bytes `offset ..< offset + count` (clipped to the object) through one ranged GET.
    func readRange(_ key: String, offset: Int64, count: Int, size: Int64) throws(DomainError) -> Data {
        let end = min(size, offset + Int64(count))
        guard offset >= 0, offset < end else { return Data() }
        let request = S3Request(.GET, key: key, headers: [.init("Range", "bytes=\(offset)-\(end - 1)")], operation: "GET range")
        let response = try transport.perform(request, sink: .collect(limit: Int(min(Int64(Int32.max), size))))
        switch response.status {
        case 206: return response.body
        case 200: return response.body.subdata(in: Int(offset)..<Int(end))  // a server that ignores Range
        default: throw transport.failure(response, request, object: object(key))
        }
    }

    public func localFile(for hash: String) throws(DomainError) -> URL {
        let key = try key(hash)
        if let cached = cache.lookup(hash) { return cached }
        let temporary = cache.temporaryFile()
        let request = S3Request(.GET, key: key, operation: "download")
        let response: S3Response
        do {
            response = try transport.perform(request, sink: .file(temporary))
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard response.isSuccess else {
            try? FileManager.default.removeItem(at: temporary)
            if response.status == 404 { throw .notFound("blob \(hash) is missing from \(location)") }
            throw transport.failure(response, request, object: object(key))
        }
        guard response.sha256 == hash else {
            try? FileManager.default.removeItem(at: temporary)
            throw .storage("blob \(hash) downloaded from \(object(key)) does not match its hash: the object is corrupt")
        }
        return try cache.admit(hash, from: temporary)
    }

    public func verify(_ hash: String) throws(DomainError) -> Bool {
        let key = try key(hash)
        let request = S3Request(.GET, key: key, operation: "verify")
        let response = try transport.perform(request, sink: .hashOnly)
        if response.status == 404 { throw .notFound("blob \(hash) is missing from \(location)") }
        guard response.isSuccess else { throw transport.failure(response, request, object: object(key)) }
        return response.sha256 == hash
    }

    // MARK: Async streaming

    /// A consumer may pause for up to 10 minutes (the streaming client's idle timeout) before
    /// the connection is given up; a broken connection is resumed from the next byte.
    public func stream(_ hash: String, range: Range<Int64>?, chunkSize: Int) -> AsyncThrowingStream<Data, any Error> {
        let download = S3StreamedDownload(store: self, hash: hash, range: range, chunkSize: chunkSize)
        return AsyncThrowingStream(unfolding: { try await download.next() })
    }

    /// Starts a GET of bytes `from ..< to` (to the end when `to` is nil) through the streaming
    /// client and returns the response once its head has arrived, retrying as the transport
    /// does until then. Nil when the range is empty. Used by `S3StreamedDownload`.
    func startDownload(_ hash: String, from: Int64, to: Int64?) async throws(DomainError) -> HTTPClientResponse? {
        let key = try key(hash)
        var headers: [SignableRequest.Field] = []
        if let to, from >= to { return nil }
        if from > 0 || to != nil {
            headers.append(.init("Range", "bytes=\(from)-\(to.map { String($0 - 1) } ?? "")"))
        }
        let request = S3Request(.GET, key: key, headers: headers, operation: headers.isEmpty ? "GET" : "GET range")
        var attempt = 1
        while true {
            let parts = transport.signedParts(request)
            var httpRequest = HTTPClientRequest(url: parts.url)
            httpRequest.method = .GET
            httpRequest.headers = parts.headers
            let failure: String
            do {
                let response = try await S3Transport.streamingClient.execute(httpRequest, deadline: .now() + .hours(12))
                let status = Int(response.status.code)
                if status == 200 && from > 0 {
                    throw DomainError.storage("S3 GET of \(object(key)) ignored the Range header; cannot resume the stream")
                }
                if (200..<300).contains(status) { return response }
                if status == 416 && to == nil && from > 0 { return nil }  // resumed exactly at the end
                var body = Data()
                for try await buffer in response.body {
                    if body.count < S3ResponseDelegate.errorBodyLimit { body.append(contentsOf: buffer.readableBytesView) }
                }
                let error = S3ErrorResponse(status: status, body: body)
                guard error.isRetryable, attempt < transport.retry.maxAttempts else {
                    if status == 404 { throw DomainError.notFound("blob \(hash) is missing from \(location)") }
                    throw error.domainError(operation: request.operation, object: object(key), location: location)
                }
                failure = error.summary
            } catch let error as DomainError {
                throw error
            } catch {
                guard S3Transport.isRetryable(error), attempt < transport.retry.maxAttempts else {
                    throw transport.transportError(S3Transport.Unreachable(underlying: S3Transport.describe(error), attempts: attempt), request)
                }
                failure = S3Transport.describe(error)
            }
            let delay = transport.retry.delay(afterAttempt: attempt)
            transport.logger.warning("S3 request failed; retrying", metadata: [
                "operation": "\(request.operation)", "key": "\(key)", "attempt": "\(attempt)", "reason": "\(failure)",
            ])
            try? await Task.sleep(nanoseconds: UInt64(delay.nanoseconds))
            attempt += 1
        }
    }
}

/// A blob read in ranges, one GET per `read`; for sequential bulk reads prefer `stream`.
final class S3BlobReader: BlobReader, @unchecked Sendable {
    private let store: S3BlobStore
    private let key: String
    let size: Int64

    init(store: S3BlobStore, key: String, size: Int64) {
        self.store = store
        self.key = key
        self.size = size
    }

    var isRemote: Bool { true }

    func read(at offset: Int64, count: Int) throws(DomainError) -> Data {
        try store.readRange(key, offset: offset, count: count, size: size)
    }

    func close() {}
}

/// The state of one `S3BlobStore.stream`: the response body's iterator, what is left of a
/// buffer larger than the chunk size, and how many bytes were delivered, so that a connection
/// that breaks mid-body is resumed with a new ranged GET from the next byte (up to the store's
/// attempt limit). `AsyncThrowingStream(unfolding:)` calls `next()` one call at a time, and the
/// client reads no further from the socket than `next()` asks for.
final class S3StreamedDownload: @unchecked Sendable {
    private let store: S3BlobStore
    private let hash: String
    private let start: Int64
    private let end: Int64?
    private let chunkSize: Int
    private var started = false
    private var finished = false
    private var iterator: HTTPClientResponse.Body.AsyncIterator?
    private var pending = Data()
    private var delivered: Int64 = 0
    private var resumes = 0

    init(store: S3BlobStore, hash: String, range: Range<Int64>?, chunkSize: Int) {
        self.store = store
        self.hash = hash
        self.start = max(0, range?.lowerBound ?? 0)
        self.end = range?.upperBound
        self.chunkSize = max(1, chunkSize)
    }

    func next() async throws -> Data? {
        if pending.isEmpty {
            guard let buffer = try await nextBuffer() else { return nil }
            pending = buffer
        }
        let chunk = pending.prefix(chunkSize)
        pending = pending.count > chunkSize ? Data(pending.dropFirst(chunkSize)) : Data()
        delivered += Int64(chunk.count)
        return Data(chunk)
    }

    private func nextBuffer() async throws -> Data? {
        while !finished {
            if !started {
                started = true
                iterator = try await store.startDownload(hash, from: start + delivered, to: end)?.body.makeAsyncIterator()
            }
            guard var body = iterator else {
                finished = true
                return nil
            }
            do {
                let buffer = try await body.next()
                iterator = body
                guard let buffer else {
                    finished = true
                    iterator = nil
                    return nil
                }
                return Data(buffer.readableBytesView)
            } catch {
                iterator = nil
                resumes += 1
                guard S3Transport.isRetryable(error), resumes < store.transport.retry.maxAttempts else {
                    throw store.transport.transportError(S3Transport.Unreachable(underlying: S3Transport.describe(error), attempts: resumes),
                                                         S3Request(.GET, key: store.location.key(for: hash), operation: "streamed GET"))
                }
                store.transport.logger.warning("S3 stream broke; resuming", metadata: [
                    "key": "\(store.location.key(for: hash))", "offset": "\(start + delivered)", "reason": "\(S3Transport.describe(error))",
                ])
                started = false
            }
        }
        return nil
    }
}

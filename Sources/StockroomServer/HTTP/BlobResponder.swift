import Foundation
import Hummingbird
import Logging
import NIOCore
import StockroomCore

/// Answers a request for a blob's bytes: ETag and If-None-Match, single Range requests, and a
/// body that never delivers a damaged file.
///
/// - The size on disk must equal the catalog's, or the request gets a 500 and an error in the log.
/// - Small blobs (≤ `SmallBlobCache.maxBlobBytes`) are read once, hashed, and then served from memory.
/// - Larger blobs stream in `chunkSize` pieces read on the blocking pool (from S3: one streamed
///   GET of the range); each piece is written
///   only after the previous one was taken by the connection (NIO's backpressure), so a stalled
///   client holds at most two chunks. A whole-file response of a blob not yet verified is hashed
///   on the way and its last chunk is held back until the hash matches: a mismatch ends the
///   response short (the client sees a broken transfer, never a complete damaged file). A range
///   of a blob not yet verified is served after hashing the whole blob first, up to
///   `verifyBeforeRangeLimit` bytes; above that only the size is checked.
struct BlobResponder: Sendable {
    enum Disposition { case inline, attachment }

    /// What a request asks of a file of known size.
    enum Plan: Equatable {
        case notModified
        case unsatisfiable(size: Int64)
        case serve(ByteRange, partial: Bool)

        /// The range served, for the access log (`nil` for a whole file).
        var servedRange: ServedRange? {
            if case let .serve(range, true) = self { return ServedRange(start: range.start, end: range.end) }
            return nil
        }
    }

    static let chunkSize = 32 * 1024
    let blobs: any BlobStore
    let work: BlockingWork
    let verified: VerifiedBlobs
    let small: SmallBlobCache
    let verifyBeforeRangeLimit: Int64
    let logger: Logger
    let memory = StreamMemory()

    /// Validators and Range against the catalog's size of the file.
    func plan(_ file: SharedFile, request: Request) async throws -> Plan {
        if Self.isNotModified(request, blobHash: file.blobHash) { return .notModified }
        let size = try await expectedSize(file)
        switch ByteRange.parse(request.headers[.range], size: size) {
        case .whole: return .serve(ByteRange(start: 0, end: size - 1), partial: false)
        case let .partial(range): return .serve(range, partial: true)
        case .unsatisfiable: return .unsatisfiable(size: size)
        }
    }

    func response(for file: SharedFile, plan: Plan, request: Request, disposition: Disposition, cacheControl: String,
                  drain: ConnectionDrain = ConnectionDrain(channel: nil)) async throws -> Response {
        let range: ByteRange
        let partial: Bool
        switch plan {
        case .notModified:
            return Response(status: .notModified, headers: Self.notModifiedHeaders(file, cacheControl: cacheControl))
        case let .unsatisfiable(size):
            return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)", .acceptRanges: "bytes"])
        case let .serve(r, p):
            (range, partial) = (r, p)
        }
        let size = try await expectedSize(file)
        let headers = Self.fileHeaders(file, range: range, partialOf: partial ? size : nil, disposition: disposition, cacheControl: cacheControl)
        let status: HTTPResponse.Status = partial ? .partialContent : .ok
        let length = max(0, range.count)

        if size <= Int64(small.maxBlobBytes) {
            let bytes = try await smallBlob(file.blobHash, size: size)
            if request.method == .head { return Response(status: status, headers: headers) }
            let slice = bytes.getSlice(at: bytes.readerIndex + Int(range.start), length: Int(length)) ?? ByteBuffer()
            return Response(status: status, headers: headers, body: .init(byteBuffer: slice))
        }

        let hash = file.blobHash
        let reader = try await work.run { [blobs] in try blobs.openReader(hash) }
        guard reader.size == size else {
            reader.close()
            throw report(BlobIntegrityError(kind: .sizeMismatch, hash: hash, detail: "catalog \(size) bytes, store \(reader.size)"))
        }
        if request.method == .head {
            reader.close()
            return Response(status: status, headers: headers)
        }
        let whole = range.start == 0 && length == size
        if !whole, !verified.isVerified(hash, size: size), size <= verifyBeforeRangeLimit {
            do {
                try await verifyWhole(reader, hash: hash, size: size)
            } catch {
                reader.close()
                throw error
            }
        }
        let hashOnTheWay = whole && !verified.isVerified(hash, size: size)
        let body = ResponseBody(contentLength: Int(length)) { writer in
            self.memory.begin()
            defer {
                reader.close()
                self.memory.end()
            }
            do {
                try await self.stream(reader, hash: hash, range: range, hashing: hashOnTheWay, drain: drain, to: &writer)
            } catch let error as BlobIntegrityError {
                throw self.report(error)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Writes `range` of the blob to `writer`, one chunk ahead of the connection. With `hashing`
    /// (the whole blob), the last chunk goes out only once the hash matched.
    func stream(_ reader: any BlobReader, hash: String, range: ByteRange, hashing: Bool, drain: ConnectionDrain,
                to writer: inout any ResponseBodyWriter) async throws {
        var hasher = hashing ? BlobHasher() : nil
        var held: ByteBuffer?
        let chunks = chunkSource(reader, hash: hash, start: range.start, end: range.end + 1, chunkSize: Self.chunkSize)
        while let chunk = try await chunks.next() {
            hasher?.update(chunk)
            if let previous = held {
                try await drain.wait()
                try await writer.write(previous)
            }
            held = chunk
        }
        if let hasher {
            let got = hasher.hex()
            guard got == hash else { throw BlobIntegrityError(kind: .hashMismatch, hash: hash, detail: "bytes hash to \(got)") }
            verified.markVerified(hash, size: range.count)
        }
        if let held {
            try await drain.wait()
            try await writer.write(held)
        }
    }

    /// The bytes `start ..< end` of the blob in chunks. A local blob is read positionally on the
    /// blocking pool; a remote one (S3) through the store's stream, one GET for the whole range
    /// instead of one ranged GET per chunk. Either way fewer bytes than asked is an error.
    func chunkSource(_ reader: any BlobReader, hash: String, start: Int64, end: Int64, chunkSize: Int) -> BlobChunkSource {
        guard reader.isRemote else {
            var offset = start
            return BlobChunkSource {
                guard offset < end else { return nil }
                let chunk = try await read(reader, at: offset, count: Int(min(Int64(chunkSize), end - offset)), hash: hash)
                offset += Int64(chunk.readableBytes)
                return chunk
            }
        }
        var iterator = blobs.stream(hash, range: start..<end, chunkSize: chunkSize).makeAsyncIterator()
        var offset = start
        return BlobChunkSource {
            guard offset < end else { return nil }
            guard let data = try await iterator.next() else {
                throw BlobIntegrityError(kind: .shortRead, hash: hash, detail: "the store ended at byte \(offset) of \(end)")
            }
            offset += Int64(data.count)
            guard offset <= end else {
                throw BlobIntegrityError(kind: .sizeMismatch, hash: hash, detail: "the store sent more than \(end - start) bytes")
            }
            return ByteBuffer(bytes: data)
        }
    }

    /// One chunk, read on the blocking pool; short reads (a file that shrank) are errors.
    func read(_ reader: any BlobReader, at offset: Int64, count: Int, hash: String) async throws -> ByteBuffer {
        let chunk = try await work.run {
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                try reader.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]))
            }
            return buffer
        }
        guard chunk.readableBytes == count else {
            throw BlobIntegrityError(kind: .shortRead, hash: hash, detail: "\(chunk.readableBytes) of \(count) bytes at offset \(offset)")
        }
        return chunk
    }

    private func verifyWhole(_ reader: any BlobReader, hash: String, size: Int64) async throws {
        var hasher = BlobHasher()
        let chunks = chunkSource(reader, hash: hash, start: 0, end: size, chunkSize: Self.chunkSize * 4)
        do {
            while let chunk = try await chunks.next() { hasher.update(chunk) }
        } catch let error as BlobIntegrityError {
            throw report(error)
        }
        let got = hasher.hex()
        guard got == hash else { throw report(BlobIntegrityError(kind: .hashMismatch, hash: hash, detail: "bytes hash to \(got)")) }
        verified.markVerified(hash, size: size)
    }

    /// The headers of a response with (part of) a file's bytes: validators, caching, type, name
    /// and length; `partialOf` the file's size for a 206.
    static func fileHeaders(_ file: SharedFile, range: ByteRange, partialOf size: Int64?, disposition: Disposition,
                            cacheControl: String) -> HTTPFields {
        var headers: HTTPFields = [
            .eTag: "\"\(file.blobHash)\"", .cacheControl: cacheControl, .acceptRanges: "bytes", .xContentTypeOptions: "nosniff",
        ]
        if let size { headers[.contentRange] = "bytes \(range.start)-\(range.end)/\(size)" }
        headers[.contentType] = file.mimeType
        headers[.contentDisposition] = contentDisposition(disposition, filename: file.filename)
        headers[.contentLength] = String(max(0, range.count))
        return headers
    }

    /// The headers of a 304 for a file.
    static func notModifiedHeaders(_ file: SharedFile, cacheControl: String) -> HTTPFields {
        [.eTag: "\"\(file.blobHash)\"", .cacheControl: cacheControl]
    }

    /// The whole blob from memory, if it is small, was read and checked before, and has the
    /// catalog's size; `nil` means it has to be read (and checked) first.
    func cachedSmallBlob(_ hash: String, size: Int64) -> ByteBuffer? {
        guard size <= Int64(small.maxBlobBytes), let cached = small.bytes(hash), cached.readableBytes == Int(size) else { return nil }
        return cached
    }

    /// The whole small blob, from memory or read and checked once.
    private func smallBlob(_ hash: String, size: Int64) async throws -> ByteBuffer {
        if let cached = cachedSmallBlob(hash, size: size) { return cached }
        let loaded: ByteBuffer
        do {
            loaded = try await work.run { [blobs] in
                let reader = try blobs.openReader(hash)
                defer { reader.close() }
                guard reader.size == size else {
                    throw BlobIntegrityError(kind: .sizeMismatch, hash: hash, detail: "catalog \(size) bytes, store \(reader.size)")
                }
                var buffer = ByteBufferAllocator().buffer(capacity: Int(size))
                let count = Int(size)
                let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: max(1, count)) { pointer in
                    try reader.read(at: 0, into: UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]))
                }
                guard read == count else {
                    throw BlobIntegrityError(kind: .shortRead, hash: hash, detail: "\(read) of \(count) bytes")
                }
                var hasher = BlobHasher()
                hasher.update(buffer)
                let got = hasher.hex()
                guard got == hash else { throw BlobIntegrityError(kind: .hashMismatch, hash: hash, detail: "bytes hash to \(got)") }
                return buffer
            }
        } catch let error as BlobIntegrityError {
            throw report(error)
        }
        verified.markVerified(hash, size: size)
        small.insert(hash, loaded)
        return loaded
    }

    /// The catalog's size of the file; the store's when the catalog has none.
    private func expectedSize(_ file: SharedFile) async throws -> Int64 {
        if let size = file.byteSize { return size }
        let hash = file.blobHash
        return try await work.run { [blobs] in try blobs.size(of: hash) }
    }

    /// Logs the mismatch and forgets any earlier verification of the blob.
    private func report(_ error: BlobIntegrityError) -> BlobIntegrityError {
        verified.forget(error.hash)
        small.remove(error.hash)
        logger.error("damaged blob not served", metadata: ["blob": "\(error.hash)", "problem": "\(error.kind.rawValue)", "detail": "\(error.detail)"])
        return error
    }

    /// Whether the request's `If-None-Match` already names this blob.
    static func isNotModified(_ request: Request, blobHash: String) -> Bool {
        isNotModified(ifNoneMatch: request.headers[.ifNoneMatch], blobHash: blobHash)
    }

    static func isNotModified(ifNoneMatch header: String?, blobHash: String) -> Bool {
        guard let header else { return false }
        let etag = "\"\(blobHash)\""
        return header == "*" || header.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
    }

    /// `attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`, with the plain name reduced to safe ASCII.
    static func contentDisposition(_ disposition: Disposition, filename: String) -> String {
        let kind = disposition == .inline ? "inline" : "attachment"
        let ascii = String(filename.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "/" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "\(kind); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

/// The next chunk of a blob being served; nil after the last.
struct BlobChunkSource {
    private let produce: () async throws -> ByteBuffer?

    init(_ produce: @escaping () async throws -> ByteBuffer?) {
        self.produce = produce
    }

    func next() async throws -> ByteBuffer? { try await produce() }
}

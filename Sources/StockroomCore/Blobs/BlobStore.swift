import Foundation

/// Content-addressed storage of originals and renditions, keyed by the SHA-256 of the bytes.
///
/// `DiskBlobStore` keeps blobs under the data home; `S3BlobStore` keeps them in a bucket (with
/// `localFile(for:)` downloading into a bounded cache for the media engine).
///
/// The methods are synchronous for the pipeline's dedicated threads; async code reads through
/// `stream(_:range:chunkSize:)`, which suspends instead of blocking. The HTTP server never reads
/// through file paths, so it serves from any store.
public protocol BlobStore: Sendable {
    /// Streams the file into the store, hashing while copying. Storing bytes that are already
    /// present writes nothing and returns `wasNew == false`.
    func put(contentsOf url: URL) throws(DomainError) -> StoredBlob
    func put(_ data: Data) throws(DomainError) -> StoredBlob
    /// Stores several blobs (a file's renditions), in the order given. A store may write them
    /// concurrently; each is published whole or not at all, as with `put(_:)`.
    func put(all items: [Data]) throws(DomainError) -> [StoredBlob]
    func contains(_ hash: String) -> Bool
    func size(of hash: String) throws(DomainError) -> Int64
    /// A reader for ranges of the blob, for streaming downloads and Range requests.
    func openReader(_ hash: String) throws(DomainError) -> any BlobReader
    /// A path on the local file system holding the blob's bytes, for libraries that read files.
    func localFile(for hash: String) throws(DomainError) -> URL
    /// Re-hashes the blob and reports whether its bytes still match its name.
    func verify(_ hash: String) throws(DomainError) -> Bool
    /// The bytes of `range` (the whole blob when nil), in chunks of at most `chunkSize`, each
    /// read only when the consumer asks for it (backpressure). A missing blob fails the first
    /// `next()` with `DomainError.notFound`.
    func stream(_ hash: String, range: Range<Int64>?, chunkSize: Int) -> AsyncThrowingStream<Data, any Error>
    /// Where the blob lives, for people: a file path, an `s3://` URL.
    func location(of hash: String) -> String
    /// Every blob hash in the store (for scrubbing and orphan reports).
    func allHashes() throws(DomainError) -> [String]
    /// Puts back the bytes of `hash` from `source`, which must hash to it; replaces a damaged
    /// copy atomically. Throws `invalidArgument` when `source` holds other bytes.
    func restore(_ hash: String, from source: URL) throws(DomainError)
}

public struct StoredBlob: Sendable, Equatable {
    public var hash: String
    public var byteSize: Int64
    public var wasNew: Bool

    public init(hash: String, byteSize: Int64, wasNew: Bool) {
        self.hash = hash
        self.byteSize = byteSize
        self.wasNew = wasNew
    }
}

/// Ranged reads of one blob. Reads are positional, so one reader may serve several ranges.
public protocol BlobReader: AnyObject, Sendable {
    /// The size of the bytes as stored now (which may differ from what the catalog recorded).
    var size: Int64 { get }
    func read(at offset: Int64, count: Int) throws(DomainError) -> Data
    /// Reads up to `buffer.count` bytes at `offset` into `buffer`; returns how many were read
    /// (fewer only at the end of the blob).
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(DomainError) -> Int
    func close()
    /// True when each read is a network request (S3): stream a range with the store's
    /// `stream` rather than reading it piece by piece.
    var isRemote: Bool { get }
}

public extension BlobReader {
    var isRemote: Bool { false }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(DomainError) -> Int {
        let data = try read(at: offset, count: buffer.count)
        data.copyBytes(to: buffer)
        return data.count
    }
}

public extension BlobStore {
    func put(all items: [Data]) throws(DomainError) -> [StoredBlob] {
        try items.map { data throws(DomainError) in try put(data) }
    }

    /// The default streams through `openReader`, each chunk read on a dispatch queue so that no
    /// thread of the cooperative pool blocks on the disk.
    func stream(_ hash: String, range: Range<Int64>?, chunkSize: Int) -> AsyncThrowingStream<Data, any Error> {
        let chunks = BlobReaderChunks(store: self, hash: hash, range: range, chunkSize: chunkSize)
        return AsyncThrowingStream(unfolding: { try await chunks.next() })
    }

    func location(of hash: String) -> String { "blob \(hash)" }

    func readAll(_ hash: String) throws(DomainError) -> Data {
        let reader = try openReader(hash)
        defer { reader.close() }
        return try reader.read(at: 0, count: Int(reader.size))
    }
}

/// The state of a default `stream`: one reader, the next offset. `AsyncThrowingStream(unfolding:)`
/// calls `next()` one call at a time, so the state needs no lock of its own beyond the hand-off.
final class BlobReaderChunks: @unchecked Sendable {
    static let queue = DispatchQueue(label: "stockroom.blob-stream", attributes: .concurrent)

    private let store: any BlobStore
    private let hash: String
    private let range: Range<Int64>?
    private let chunkSize: Int
    private var reader: (any BlobReader)?
    private var offset: Int64 = 0
    private var end: Int64 = 0

    init(store: any BlobStore, hash: String, range: Range<Int64>?, chunkSize: Int) {
        self.store = store
        self.hash = hash
        self.range = range
        self.chunkSize = max(1, chunkSize)
    }

    func next() async throws -> Data? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, any Error>) in
            Self.queue.async {
                continuation.resume(with: Result { () throws(DomainError) -> Data? in try self.readNext() })
            }
        }
    }

    private func readNext() throws(DomainError) -> Data? {
        if reader == nil {
            let opened = try store.openReader(hash)
            reader = opened
            offset = max(0, range?.lowerBound ?? 0)
            end = min(opened.size, range?.upperBound ?? opened.size)
        }
        guard let reader, offset < end else {
            reader?.close()
            return nil
        }
        let data = try reader.read(at: offset, count: Int(min(Int64(chunkSize), end - offset)))
        guard !data.isEmpty else {
            reader.close()
            throw .storage("blob \(hash) ended early at byte \(offset) of \(end)")
        }
        offset += Int64(data.count)
        return data
    }

    deinit { reader?.close() }
}

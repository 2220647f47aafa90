import Foundation

/// Content-addressed storage of originals and renditions, keyed by the SHA-256 of the bytes.
///
/// `DiskBlobStore` keeps blobs under the data home; an S3-style store implements the same
/// protocol (with `localFile(for:)` downloading into a cache for the media engine). The HTTP
/// server reads blobs only through `openReader` (ranged reads into its own buffers), never
/// through file paths, so it serves from any store.
public protocol BlobStore: Sendable {
    /// Streams the file into the store, hashing while copying. Storing bytes that are already
    /// present writes nothing and returns `wasNew == false`.
    func put(contentsOf url: URL) throws(DomainError) -> StoredBlob
    func put(_ data: Data) throws(DomainError) -> StoredBlob
    func contains(_ hash: String) -> Bool
    func size(of hash: String) throws(DomainError) -> Int64
    /// A reader for ranges of the blob, for streaming downloads and Range requests.
    func openReader(_ hash: String) throws(DomainError) -> any BlobReader
    /// A path on the local file system holding the blob's bytes, for libraries that read files.
    func localFile(for hash: String) throws(DomainError) -> URL
    /// Re-hashes the blob and reports whether its bytes still match its name.
    func verify(_ hash: String) throws(DomainError) -> Bool
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
}

public extension BlobReader {
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(DomainError) -> Int {
        let data = try read(at: offset, count: buffer.count)
        data.copyBytes(to: buffer)
        return data.count
    }
}

public extension BlobStore {
    func readAll(_ hash: String) throws(DomainError) -> Data {
        let reader = try openReader(hash)
        defer { reader.close() }
        return try reader.read(at: 0, count: Int(reader.size))
    }
}

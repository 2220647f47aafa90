import Foundation

/// Content-addressed storage of originals and renditions, keyed by the SHA-256 of the bytes.
///
/// `DiskBlobStore` keeps blobs under the data home; an S3-style store implements the same
/// protocol (with `localFile(for:)` downloading into a cache for the media engine).
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

public protocol BlobReader: AnyObject, Sendable {
    var size: Int64 { get }
    func read(at offset: Int64, count: Int) throws(DomainError) -> Data
    func close()
}

public extension BlobStore {
    func readAll(_ hash: String) throws(DomainError) -> Data {
        let reader = try openReader(hash)
        defer { reader.close() }
        return try reader.read(at: 0, count: Int(reader.size))
    }
}

import Crypto
import Foundation

/// Blobs on the local disk: `root/ab/cd/abcdef…` (two levels of 256-way sharding).
///
/// A write goes to `root/tmp/`, is fsynced, then renamed into place, and the shard directory is
/// fsynced: a crash at any moment leaves either no blob or a whole one under its real name.
/// Leftover temporary files are swept when the store is opened.
public struct DiskBlobStore: BlobStore {
    public let root: URL
    private let tmp: URL
    /// Test hook run after the temporary file is complete and before it is renamed into place.
    let beforeRename: (@Sendable () throws -> Void)?

    public init(root: URL) throws(DomainError) {
        try self.init(root: root, beforeRename: nil)
    }

    init(root: URL, beforeRename: (@Sendable () throws -> Void)?) throws(DomainError) {
        self.root = root
        self.tmp = root.appendingPathComponent("tmp", isDirectory: true)
        self.beforeRename = beforeRename
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create blob store at \(root.path): \(error.localizedDescription)")
        }
        sweepTemporaryFiles()
    }

    /// Removes temporary files of writes that never finished (a crash, a kill).
    public func sweepTemporaryFiles() {
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
        for name in leftovers { try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name)) }
    }

    public static func isValidHash(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public func path(for hash: String) throws(DomainError) -> URL {
        guard Self.isValidHash(hash) else { throw .invalidArgument("not a blob hash: \(hash)") }
        let a = hash.prefix(2), b = hash.dropFirst(2).prefix(2)
        return root.appendingPathComponent(String(a)).appendingPathComponent(String(b)).appendingPathComponent(hash)
    }

    public func put(contentsOf url: URL) throws(DomainError) -> StoredBlob {
        guard let input = FileHandle(forReadingAtPath: url.path) else {
            throw .notFound("cannot read \(url.path)")
        }
        defer { try? input.close() }
        return try write { (sink: (Data) throws -> Void) throws in
            while true {
                let chunk = try input.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                try sink(chunk)
            }
        }
    }

    public func put(_ data: Data) throws(DomainError) -> StoredBlob {
        try write { sink in try sink(data) }
    }

    /// Each blob on a thread of its own: what a write waits for is its two fsyncs (file and
    /// shard directory, 10–25 ms each on a busy disk), and those overlap.
    public func put(all items: [Data]) throws(DomainError) -> [StoredBlob] {
        guard items.count > 1 else { return try items.map { data throws(DomainError) in try put(data) } }
        let results = ConcurrentResults<StoredBlob>(count: items.count)
        let done = DispatchGroup()
        for index in items.indices.dropFirst() {
            done.enter()
            let thread = Thread { [self] in
                results.set(index, Result { () throws(DomainError) in try put(items[index]) })
                done.leave()
            }
            thread.start()
        }
        results.set(0, Result { () throws(DomainError) in try put(items[0]) })
        done.wait()
        return try results.values()
    }

    /// Streams bytes from `produce` into a temp file while hashing, then publishes atomically.
    private func write(_ produce: ((Data) throws -> Void) throws -> Void) throws(DomainError) -> StoredBlob {
        let tempURL = tmp.appendingPathComponent(UUID().uuidString)
        do {
            guard FileManager.default.createFile(atPath: tempURL.path, contents: nil) else {
                throw DomainError.storage("cannot create \(tempURL.path)")
            }
            let output = try FileHandle(forWritingTo: tempURL)
            var hasher = SHA256()
            var size: Int64 = 0
            do {
                try produce { chunk in
                    hasher.update(data: chunk)
                    try output.write(contentsOf: chunk)
                    size += Int64(chunk.count)
                }
                try output.synchronize()
                try output.close()
            } catch {
                try? output.close()
                throw error
            }
            let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            let final = try path(for: hash)
            if FileManager.default.fileExists(atPath: final.path) {
                try? FileManager.default.removeItem(at: tempURL)
                return StoredBlob(hash: hash, byteSize: size, wasNew: false)
            }
            let shard = final.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: true)
            try beforeRename?()
            if rename(tempURL.path, final.path) != 0 {
                throw DomainError.storage("cannot publish blob \(hash): \(String(cString: strerror(errno)))")
            }
            Self.fsyncDirectory(shard)
            return StoredBlob(hash: hash, byteSize: size, wasNew: true)
        } catch {
            try? FileManager.default.removeItem(at: tempURL)
            if let domain = error as? DomainError { throw domain }
            throw .storage("blob write failed: \(error.localizedDescription)")
        }
    }

    private static func fsyncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = Foundation.close(fd)
    }

    public func contains(_ hash: String) -> Bool {
        guard let url = try? path(for: hash) else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }

    public func size(of hash: String) throws(DomainError) -> Int64 {
        let url = try path(for: hash)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = attributes[.size] as? NSNumber
        else { throw .notFound("blob \(hash) is missing") }
        return size.int64Value
    }

    public func openReader(_ hash: String) throws(DomainError) -> any BlobReader {
        let url = try path(for: hash)
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw .notFound("blob \(hash) is missing") }
        // The size of the open file, not of the path: a blob replaced meanwhile cannot mix the two.
        var info = stat()
        guard fstat(handle.fileDescriptor, &info) == 0 else { throw .storage("cannot stat blob \(hash)") }
        return DiskBlobReader(handle: handle, size: Int64(info.st_size))
    }

    public func allHashes() throws(DomainError) -> [String] {
        var hashes: [String] = []
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: root.path) else {
            throw .storage("cannot list blob store \(root.path)")
        }
        for a in shards where a.count == 2 {
            let first = root.appendingPathComponent(a)
            for b in (try? FileManager.default.contentsOfDirectory(atPath: first.path)) ?? [] where b.count == 2 {
                let second = first.appendingPathComponent(b)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: second.path)) ?? [] where Self.isValidHash(name) {
                    hashes.append(name)
                }
            }
        }
        return hashes.sorted()
    }

    public func restore(_ hash: String, from source: URL) throws(DomainError) {
        let final = try path(for: hash)
        let tempURL = tmp.appendingPathComponent(UUID().uuidString)
        do {
            guard let input = FileHandle(forReadingAtPath: source.path) else { throw DomainError.notFound("cannot read \(source.path)") }
            defer { try? input.close() }
            guard FileManager.default.createFile(atPath: tempURL.path, contents: nil) else { throw DomainError.storage("cannot create \(tempURL.path)") }
            let output = try FileHandle(forWritingTo: tempURL)
            var hasher = SHA256()
            do {
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    hasher.update(data: chunk)
                    try output.write(contentsOf: chunk)
                }
                try output.synchronize()
                try output.close()
            } catch {
                try? output.close()
                throw error
            }
            let got = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            guard got == hash else { throw DomainError.invalidArgument("\(source.path) holds blob \(got), not \(hash)") }
            let shard = final.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: true)
            if rename(tempURL.path, final.path) != 0 {
                throw DomainError.storage("cannot restore blob \(hash): \(String(cString: strerror(errno)))")
            }
            Self.fsyncDirectory(shard)
        } catch {
            try? FileManager.default.removeItem(at: tempURL)
            if let domain = error as? DomainError { throw domain }
            throw .storage("blob restore failed: \(error.localizedDescription)")
        }
    }

    public func localFile(for hash: String) throws(DomainError) -> URL {
        let url = try path(for: hash)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .notFound("blob \(hash) is missing") }
        return url
    }

    public func location(of hash: String) -> String {
        (try? path(for: hash).path) ?? "blob \(hash)"
    }

    public func verify(_ hash: String) throws(DomainError) -> Bool {
        try Self.hashOf(file: try localFile(for: hash)) == hash
    }

    /// The SHA-256 of a file's bytes, hex-encoded as blob names are.
    static func hashOf(file url: URL) throws(DomainError) -> String {
        guard let input = FileHandle(forReadingAtPath: url.path) else { throw .notFound("cannot read \(url.path)") }
        defer { try? input.close() }
        var hasher = SHA256()
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw .storage("cannot read \(url.path): \(error.localizedDescription)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

final class DiskBlobReader: BlobReader, @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    let size: Int64

    init(handle: FileHandle, size: Int64) {
        self.handle = handle
        self.size = size
    }

    func read(at offset: Int64, count: Int) throws(DomainError) -> Data {
        lock.lock()
        defer { lock.unlock() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            return try handle.read(upToCount: count) ?? Data()
        } catch {
            throw .storage("blob read failed: \(error.localizedDescription)")
        }
    }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(DomainError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(handle.fileDescriptor, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .storage("blob read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    func close() { try? handle.close() }

    deinit { try? handle.close() }
}

/// Results of work done on several threads, read once all are in.
private final class ConcurrentResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Value, DomainError>?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<Value, DomainError>) {
        lock.withLock { results[index] = result }
    }

    /// The values in order, or the first error.
    func values() throws(DomainError) -> [Value] {
        let all = lock.withLock { results }
        return try all.map { result throws(DomainError) -> Value in
            guard let result else { throw DomainError.storage("a blob write did not finish") }
            return try result.get()
        }
    }
}

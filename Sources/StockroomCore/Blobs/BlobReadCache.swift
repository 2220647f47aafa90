import Foundation

/// Local copies of remote blobs for libraries that read files (the media engine, workers),
/// bounded in total size: when a new copy pushes the total over `maxBytes`, the least recently
/// used copies are deleted.
///
/// Layout as `DiskBlobStore`: `root/ab/cd/HASH`, written to `root/tmp/` first and renamed into
/// place, so a copy under its real name is always whole (and was verified by the caller). A file
/// handed out less than `minimumAge` seconds ago is never evicted, because its caller may not
/// have opened it yet; the bound is exceeded rather than a file pulled from under a reader. One
/// process owns a cache folder: the index of sizes and uses lives in memory, rebuilt from the
/// folder (modification time = last use) when the cache is opened.
public final class BlobReadCache: @unchecked Sendable {
    public let root: URL
    public let maxBytes: Int64
    public let minimumAge: TimeInterval
    private let tmp: URL

    private struct Entry {
        var size: Int64
        var lastUse: Date
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var total: Int64 = 0

    public init(root: URL, maxBytes: Int64, minimumAge: TimeInterval = 60) throws(DomainError) {
        self.root = root
        self.maxBytes = maxBytes
        self.minimumAge = minimumAge
        self.tmp = root.appendingPathComponent("tmp", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create blob cache at \(root.path): \(error.localizedDescription)")
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] {
            try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
        }
        scan()
    }

    private func scan() {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else { return }
        for case let url as URL in walker {
            let name = url.lastPathComponent
            guard DiskBlobStore.isValidHash(name), url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.path == root.standardizedFileURL.path,
                  let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true
            else { continue }
            let size = Int64(values.fileSize ?? 0)
            entries[name] = Entry(size: size, lastUse: values.contentModificationDate ?? .distantPast)
            total += size
        }
    }

    public var totalBytes: Int64 { lock.withLock { total } }
    public var count: Int { lock.withLock { entries.count } }

    public func path(for hash: String) -> URL {
        root.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(String(hash.dropFirst(2).prefix(2)))
            .appendingPathComponent(hash)
    }

    /// The cached copy, marked as just used; nil when there is none.
    public func lookup(_ hash: String) -> URL? {
        let url = path(for: hash)
        return lock.withLock {
            guard entries[hash] != nil else { return nil }
            guard FileManager.default.fileExists(atPath: url.path) else {
                // Deleted behind our back: forget it.
                total -= entries.removeValue(forKey: hash)?.size ?? 0
                return nil
            }
            let now = Date()
            entries[hash]?.lastUse = now
            try? FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: url.path)
            return url
        }
    }

    /// A fresh path in the cache's temporary folder, on the same file system as the cache.
    public func temporaryFile() -> URL { tmp.appendingPathComponent(UUID().uuidString) }

    /// Publishes a complete, verified temporary file as the copy of `hash`, then evicts down to
    /// the bound.
    public func admit(_ hash: String, from temporary: URL) throws(DomainError) -> URL {
        let url = path(for: hash)
        let size: Int64
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            size = (try FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? NSNumber)?.int64Value ?? 0
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: temporary.path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .storage("cannot add blob \(hash) to the cache at \(root.path): \(error.localizedDescription)")
        }
        lock.lock()
        defer { lock.unlock() }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .storage("cannot add blob \(hash) to the cache at \(root.path): \(reason)")
        }
        total -= entries[hash]?.size ?? 0
        entries[hash] = Entry(size: size, lastUse: Date())
        total += size
        evictLocked(sparing: hash)
        return url
    }

    public func remove(_ hash: String) {
        lock.withLock {
            try? FileManager.default.removeItem(at: path(for: hash))
            total -= entries.removeValue(forKey: hash)?.size ?? 0
        }
    }

    private func evictLocked(sparing kept: String) {
        guard total > maxBytes else { return }
        let cutoff = Date().addingTimeInterval(-minimumAge)
        let candidates = entries.filter { $0.key != kept && $0.value.lastUse <= cutoff }
            .sorted { $0.value.lastUse < $1.value.lastUse }
        for (hash, entry) in candidates {
            guard total > maxBytes else { break }
            try? FileManager.default.removeItem(at: path(for: hash))
            entries.removeValue(forKey: hash)
            total -= entry.size
        }
    }
}

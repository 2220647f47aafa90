import Foundation

/// Stores a batch's originals in the blob store ahead of the pipeline workers, on one thread of
/// its own, so that a worker's store stage finds its file's blob made.
///
/// The store stage is disk-bound, not CPU-bound: it reads the file, copies it and waits for the
/// copy's fsync, which on a disk busy with other writers takes 70–150 ms for an 8 MB photo
/// (Docs/performance.md, "Thumbnails first, phase 3"). In a worker that wait sits between two
/// files' media work; here it overlaps with them. The CPU it uses (SHA-256 and the copy) is the
/// store stage's own, done once: a worker that reaches a file first stores it itself, and the
/// lane skips it.
///
/// A blob stored here is only used by a store stage that finds the same file unchanged (device,
/// inode, size, modification and change times as when it was stored); otherwise the stage stores
/// the file again, as it would without the lane.
final class OriginalsAhead: @unchecked Sendable {
    /// A file's identity on disk, enough to tell it was not replaced or modified.
    struct FileIdentity: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modified: timespec
        let changed: timespec

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        static func == (a: FileIdentity, b: FileIdentity) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    private enum State {
        /// The lane is storing it; a worker that needs it waits.
        case storing
        case stored(StoredBlob, FileIdentity)
        /// A worker took it first, or the lane could not store it: the store stage does it.
        case left
    }

    private let blobs: any BlobStore
    private let condition = NSCondition()
    private var states: [String: State] = [:]
    private var stopped = false
    private var finished = false

    /// `files`: source paths in the order the workers will take them, each with the largest
    /// size its library accepts (nil: no limit). Files over their limit are left to the store
    /// stage, which fails them with the reason.
    init(blobs: any BlobStore, files: [(path: String, maxSize: Int64?)]) {
        self.blobs = blobs
        let thread = Thread { [self] in run(files) }
        thread.name = "stockroom-store-ahead"
        thread.start()
    }

    /// Ends the lane after the file in hand.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// Waits until the lane has gone through its files (or was stopped).
    func waitUntilFinished() {
        condition.withLock { while !finished { condition.wait() } }
    }

    /// The blob of `path` if the lane stored it and the file is unchanged since; nil when the
    /// store stage has to store it (the lane will not touch it from now on). Waits while the
    /// lane is storing that very file.
    func take(_ path: String) -> StoredBlob? {
        condition.lock()
        defer { condition.unlock() }
        while case .storing = states[path] { condition.wait() }
        guard case let .stored(blob, identity)? = states[path] else {
            states[path] = .left
            return nil
        }
        states[path] = .left
        return FileIdentity(path: path) == identity && blobs.contains(blob.hash) ? blob : nil
    }

    private func run(_ files: [(path: String, maxSize: Int64?)]) {
        defer {
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }
        for file in files {
            let claimed = condition.withLock { () -> Bool in
                guard !stopped, states[file.path] == nil else { return false }
                states[file.path] = .storing
                return true
            }
            if condition.withLock({ stopped }) { return }
            guard claimed else { continue }
            var state = State.left
            if let before = FileIdentity(path: file.path), before.size <= file.maxSize ?? .max,
               let stored = try? blobs.put(contentsOf: URL(fileURLWithPath: file.path)),
               FileIdentity(path: file.path) == before {
                state = .stored(stored, before)
            }
            condition.withLock {
                states[file.path] = state
                condition.broadcast()
            }
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Recursive change notification for a directory tree through Linux inotify. Reports the
/// relative paths of files that were written, closed or moved in, and re-scans directories that
/// appear (files can land in a new directory before its watch exists).
final class FileChangeMonitor {
    enum Change: Equatable {
        /// The file was created or written to: a writer has it open (more may follow).
        case modified(String)
        /// A writer closed the file, or it was moved in whole.
        case completed(String)
        /// Its permissions or times changed; no bytes did.
        case attributesChanged(String)
        /// A directory appeared: scan it.
        case directoryAppeared(String)
        /// Events were lost: rescan everything.
        case overflow
    }

    private let root: URL
    private let fd: Int32
    private var directories: [Int32: String] = [:]
    private static let fileMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB)

    init(root: URL) throws(DomainError) {
        self.root = root
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .storage("inotify is not available: \(String(cString: strerror(errno)))") }
        addTree("")
    }

    deinit { close(fd) }

    /// Watches `relative` and every directory below it (hidden ones are skipped).
    private func addTree(_ relative: String) {
        let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
        let wd = inotify_add_watch(fd, url.path, Self.fileMask)
        guard wd >= 0 else { return }
        directories[wd] = relative
        let children = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for child in children where !child.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let childPath = url.appendingPathComponent(child).path
            if FileManager.default.fileExists(atPath: childPath, isDirectory: &isDirectory), isDirectory.boolValue {
                addTree(relative.isEmpty ? child : "\(relative)/\(child)")
            }
        }
    }

    /// Waits up to `timeout` seconds for events and returns them.
    func next(timeout: Double) -> [Change] {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { return [] }
        var changes: [Change] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    return (wd, mask, Int(length))
                }
                let nameBytes = buffer[(offset + headerSize)..<min(offset + headerSize + length, count)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                offset += headerSize + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { changes.append(.overflow); continue }
                if mask & UInt32(IN_IGNORED) != 0 { directories[wd] = nil; continue }
                guard let dir = directories[wd], !name.isEmpty, !name.hasPrefix(".") else { continue }
                let relative = dir.isEmpty ? name : "\(dir)/\(name)"
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        addTree(relative)
                        changes.append(.directoryAppeared(relative))
                    }
                } else {
                    // One event can carry several bits (coalesced); a write followed by a close
                    // within it still ends closed.
                    if mask & UInt32(IN_CREATE | IN_MODIFY) != 0 { changes.append(.modified(relative)) }
                    if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 { changes.append(.completed(relative)) }
                    if mask & UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO) == 0 { changes.append(.attributesChanged(relative)) }
                }
            }
        }
        return changes
    }
}

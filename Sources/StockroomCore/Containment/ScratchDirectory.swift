import Foundation
import StockroomMedia
#if canImport(Glibc)
import Glibc
#endif

/// A directory the supervisor makes for one request and removes after it, where a worker leaves
/// outputs too large to send inline. The supervisor reads back only plain names it was told,
/// opened without following links, of the size it was told.
struct ScratchDirectory: Sendable {
    let url: URL

    static func make(in root: URL, name: String) throws(MediaError) -> ScratchDirectory {
        let url = root.appendingPathComponent(name, isDirectory: true)
        guard mkdir(url.path, 0o700) == 0 else {
            throw .io("cannot create the scratch directory \(url.path): \(String(cString: strerror(errno)))")
        }
        return ScratchDirectory(url: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// A name a worker may use: letters, digits, dot, dash, underscore; not hidden; no path.
    static func isPlainName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count), !name.hasPrefix("."), name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x2D || byte == 0x5F
        }
    }

    /// The bytes of output `name`, which must be a regular file of exactly `count` bytes.
    func readOutput(name: String, count: Int, cap: Int) throws(MediaWorkerViolation) -> Data {
        guard Self.isPlainName(name) else { throw MediaWorkerViolation("an output file name that is not a plain name: \(name.prefix(80))") }
        guard count >= 0, count <= cap else { throw MediaWorkerViolation("an output file of \(count) bytes (the cap is \(cap))") }
        let path = url.appendingPathComponent(name).path
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw MediaWorkerViolation("output file \(name) cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw MediaWorkerViolation("output \(name) is not a regular file")
        }
        guard Int(info.st_size) == count else {
            throw MediaWorkerViolation("output file \(name) has \(info.st_size) bytes, the reply said \(count)")
        }
        var data = Data(count: count)
        let complete = data.withUnsafeMutableBytes { raw -> Bool in
            var offset = 0
            while offset < count {
                let got = read(fd, raw.baseAddress! + offset, count - offset)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { return false }
                offset += got
            }
            return true
        }
        guard complete else { throw MediaWorkerViolation("output file \(name) could not be read in full") }
        return data
    }
}

extension ScratchDirectory {
    /// Moves output `name` (a regular file of exactly `count` bytes, checked as `readOutput`
    /// does) to `destination`, for outputs too large to hold in memory (preview videos).
    func moveOutput(name: String, count: Int, cap: Int, to destination: URL) throws(MediaWorkerViolation) {
        guard Self.isPlainName(name) else { throw MediaWorkerViolation("an output file name that is not a plain name: \(name.prefix(80))") }
        guard count > 0, count <= cap else { throw MediaWorkerViolation("an output file of \(count) bytes (the cap is \(cap))") }
        let path = url.appendingPathComponent(name).path
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw MediaWorkerViolation("output \(name) is not a regular file")
        }
        guard Int(info.st_size) == count else {
            throw MediaWorkerViolation("output file \(name) has \(info.st_size) bytes, the reply said \(count)")
        }
        try? FileManager.default.removeItem(at: destination)
        do {
            try FileManager.default.moveItem(at: URL(fileURLWithPath: path), to: destination)
        } catch {
            throw MediaWorkerViolation("output file \(name) cannot be moved out of the scratch directory: \(error)")
        }
    }
}

/// Something a worker sent that the protocol does not allow.
struct MediaWorkerViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

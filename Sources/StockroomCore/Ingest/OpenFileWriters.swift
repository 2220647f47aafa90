import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which files some process holds open for writing, read from `/proc/*/fd` and `/proc/*/fdinfo`:
/// the watch folder's check before it hands a file over, for files whose writer inotify did not
/// report (found by a rescan, written before Stockroom started). Processes whose descriptors this
/// user may not read are not seen; the settle interval still covers them.
enum OpenFileWriters {
    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The subset of `paths` open for writing (O_WRONLY or O_RDWR) in any visible process.
    static func held(_ paths: [String]) -> Set<String> {
        var wanted: [FileIdentity: String] = [:]
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0 { wanted[FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))] = path }
        }
        guard !wanted.isEmpty, let processes = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var held = Set<String>()
        for process in processes where process.first?.isNumber == true {
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process)/fd") else { continue }
            for descriptor in descriptors {
                var info = stat()
                guard stat("/proc/\(process)/fd/\(descriptor)", &info) == 0,
                      let path = wanted[FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))],
                      isOpenForWriting(process: process, descriptor: descriptor) else { continue }
                held.insert(path)
                if held.count == wanted.count { return held }
            }
        }
        return held
    }

    /// `flags:` in fdinfo is the open(2) flags in octal.
    private static func isOpenForWriting(process: String, descriptor: String) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/fdinfo/\(descriptor)", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
              let flags = Int32(line.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) else { return false }
        let mode = flags & O_ACCMODE
        return mode == O_WRONLY || mode == O_RDWR
    }
}

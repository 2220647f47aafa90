import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc functions Swift's Glibc module does not import (they are GNU extensions), looked up by
/// name once.
enum LinuxCalls {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    nonisolated(unsafe) private static let process = dlopen(nil, RTLD_NOW)
    private static let pipe2Function: Pipe2? = dlsym(process, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    private static let addCloseFromFunction: AddCloseFrom? = dlsym(process, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// fcntl's F_SETPIPE_SZ (Linux).
    static let setPipeSize: Int32 = 1031

    /// A pipe whose two ends are close-on-exec from the start, so a worker started at the same
    /// moment by another thread never inherits them.
    static func closeOnExecPipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        if let pipe2Function {
            guard pipe2Function(&fds, O_CLOEXEC) == 0 else { return nil }
        } else {
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        return (fds[0], fds[1])
    }

    /// Makes the child close every descriptor from `lowest` up (glibc 2.34+). Returns false when
    /// this glibc lacks it; the worker then closes them itself at start.
    static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) -> Bool {
        guard let addCloseFromFunction else { return false }
        return addCloseFromFunction(&actions, lowest) == 0
    }
}

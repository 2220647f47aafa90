import Foundation
import StockroomCore
#if canImport(Glibc)
import Glibc
#endif

/// The write end of the pipe the signal handler writes to; set once before handlers are installed.
nonisolated(unsafe) private var stopSignalPipe: Int32 = -1

/// Only async-signal-safe work: one byte (the signal number) into the pipe.
private func forwardStopSignal(_ number: Int32) {
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(stopSignalPipe, &byte, 1)
}

/// SIGINT and SIGTERM set `stop` (a graceful stop: the jobs in hand finish or go back to the
/// queue); a second one ends the process at once.
///
/// A plain `sigaction` handler writes the signal number into a pipe a thread reads, so the
/// signal is seen whichever thread the kernel delivers it to (a dispatch signal source misses
/// signals delivered to threads that have not blocked them).
final class StopOnSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?

    /// The first signal received, if any.
    var received: Int32? { lock.withLock { first } }

    init(_ stop: StopSignal, message: String) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopSignalPipe = fds[1]
        let readEnd = fds[0]
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                let number = Int32(byte)
                let isFirst = lock.withLock { () -> Bool in
                    guard first == nil else { return false }
                    first = number
                    return true
                }
                if isFirst {
                    FileHandle.standardError.write(Data("\n\(message)\n".utf8))
                    stop.stop()
                } else {
                    FileHandle.standardError.write(Data("\nStopping now.\n".utf8))
                    _exit(128 + number)
                }
            }
        }
        thread.name = "stockroom-signals"
        thread.start()
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardStopSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }
}

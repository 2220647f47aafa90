import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Counts streamed bodies in flight and, when the last one ends, hands the chunk memory they
/// used back to the system (`malloc_trim`, at most once a second). glibc keeps freed chunks in
/// its per-thread arenas; without this, RSS stays at its peak after a burst of large downloads.
final class StreamMemory: @unchecked Sendable {
    private var active = 0
    private var lastTrim = ContinuousClock.now - .seconds(10)
    private let lock = NSLock()

    func begin() {
        lock.withLock { active += 1 }
    }

    func end() {
        let trim: Bool = lock.withLock {
            active -= 1
            guard active == 0, ContinuousClock.now - lastTrim > .seconds(1) else { return false }
            lastTrim = ContinuousClock.now
            return true
        }
        if trim, let mallocTrim = Self.mallocTrim { _ = mallocTrim(0) }
    }

    /// glibc's `malloc_trim`, looked up at run time (its header is not part of Swift's Glibc module).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}

import Foundation

/// One thread, never ending, that runs every Pango text layout of the process one at a time
/// (see `WatermarkText` for why: libvips 8.14 lays text out with the calling thread's font map).
final class TextLayoutThread: @unchecked Sendable {
    /// The one thread of the process; watermarks and text cards share it.
    static let shared = TextLayoutThread()

    /// One caller at a time hands work over: there is a single slot.
    private let callers = NSLock()
    private let condition = NSCondition()
    private var work: (@Sendable () -> Void)?

    private init() {
        let thread = Thread { [self] in loop() }
        thread.name = "stockroom-text"
        thread.start()
    }

    /// Runs `body` on the layout thread and waits for it; callers queue on a lock.
    func run(_ body: @escaping () throws(MediaError) -> LibvipsImage) throws(MediaError) -> LibvipsImage {
        callers.lock()
        defer { callers.unlock() }
        nonisolated(unsafe) var outcome: Result<LibvipsImage, MediaError>?
        nonisolated(unsafe) let body = body
        let done = NSCondition()
        condition.lock()
        work = {
            let result: Result<LibvipsImage, MediaError>
            do throws(MediaError) { result = .success(try body()) } catch { result = .failure(error) }
            done.lock()
            outcome = result
            done.signal()
            done.unlock()
        }
        condition.signal()
        condition.unlock()
        done.lock()
        while outcome == nil { done.wait() }
        done.unlock()
        return try outcome!.get()
    }

    private func loop() {
        while true {
            condition.lock()
            while work == nil { condition.wait() }
            let next = work!
            work = nil
            condition.unlock()
            next()
        }
    }
}

import NIOCore

/// Waits until a connection can take more bytes before a streamed body writes its next chunk.
///
/// A body writer's `write` returns once the chunk is handed on, before the connection's event
/// loop has queued it on the socket, so a fast reader can pile chunks up in the event loop's task
/// queue (measured: about 5 MB per stalled client, a gigabyte for 200). `wait` first goes through
/// the event loop — after the chunks already handed on — and reads the channel's writability
/// (NIO's write-buffer water marks, 64 KB) there; while the connection is full it polls with a
/// backoff up to 100 ms. A stalled client then holds about one chunk plus the water mark.
struct ConnectionDrain: Sendable {
    let channel: (any Channel)?

    func wait() async throws {
        guard let channel else { return }
        var writable = try await channel.eventLoop.submit { channel.isWritable }.get()
        var pause = Duration.milliseconds(1)
        while !writable {
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
            writable = channel.isWritable
        }
    }
}

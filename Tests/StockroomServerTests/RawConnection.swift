import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the server on loopback, for what an HTTP client library would not
/// do: send half a header and stall, stay idle, or ask for a body and never read it.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the kernel's buffer for stalled readers.
    init(port: Int, receiveBuffer: Int32? = nil, noDelay: Bool = false) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawConnectionError.failed("socket") }
        if noDelay {
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw RawConnectionError.failed("connect: \(String(cString: strerror(errno)))")
        }
    }

    func send(_ text: String) throws {
        try send(bytes: Array(text.utf8))
    }

    /// Says the client sends nothing more (a half-close); reading goes on.
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    func send(bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawConnectionError.failed("send") }
    }

    /// Reads what arrives within `timeout`; stops at EOF. Returns the bytes and whether the peer closed.
    func read(upTo limit: Int = 1 << 20, timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < limit {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&poller, 1, ms)
            if ready <= 0 { continue }
            let n = recv(fd, &buffer, min(buffer.count, limit - out.count), 0)
            if n == 0 { return (out, true) }
            if n < 0 { return (out, errno == ECONNRESET) }
            out.append(contentsOf: buffer[0..<n])
        }
        return (out, false)
    }

    /// Waits until the server closes the connection; `false` if it is still open after `timeout`.
    func waitForClose(timeout: Duration) -> Bool {
        read(upTo: Int.max, timeout: timeout).closed
    }

    /// `read` on a thread of its own: a server running in this process needs the cooperative pool.
    func readOffPool(upTo limit: Int = 1 << 20, timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.read(upTo: limit, timeout: timeout)) }
        }
    }

    func waitForCloseOffPool(timeout: Duration) async -> Bool {
        await readOffPool(upTo: Int.max, timeout: timeout).closed
    }

    /// Reads until `marker` has arrived (or the timeout); for a response whose end is known.
    func readOffPool(until marker: [UInt8], timeout: Duration) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var out: [UInt8] = []
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    let part = self.read(upTo: 65_536, timeout: .milliseconds(50))
                    out += part.bytes
                    if out.count >= marker.count, out.suffix(marker.count).elementsEqual(marker) { break }
                    if part.closed { break }
                }
                continuation.resume(returning: out)
            }
        }
    }

    deinit { close(fd) }
}

enum RawConnectionError: Error { case failed(String) }

/// This process's resident set size, from /proc.
func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kb / 1024
}

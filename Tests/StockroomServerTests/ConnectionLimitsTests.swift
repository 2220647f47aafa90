import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Memory and connections under ordinary pressure, over real sockets: stalled readers of a large
/// original, half-sent headers and idle connections.
@Suite("HTTP edge: bounded memory and timeouts", .serialized)
struct ConnectionLimitsTests {
    /// Runs the real `stockroom serve` (the debug build next to the tests) so its RSS is its own,
    /// whatever other tests do in this process at the same time.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "needs .build/debug/stockroom"))
    func twoHundredStalledClientsOnALargeOriginalStayWithinSixtyFourMegabytes() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addLargeOriginal(megabytes: 36)
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!)), by: .system)
        let server = try await ServeProcess.start(home: fixture.home.root, arguments: ["--idle-timeout", "120"])
        defer { server.stop() }
        let request = "GET /s/\(link.token)/assets/\(asset.id!)/download/original HTTP/1.1\r\nHost: localhost\r\n\r\n"
        // Warm up the server's pools and buffers with one full read, then measure.
        let warm = try RawConnection(port: server.port)
        try warm.send(request.replacingOccurrences(of: "Host: localhost", with: "Host: localhost\r\nConnection: close"))
        #expect(await warm.readOffPool(upTo: 40 << 20, timeout: .seconds(60)).bytes.count > 36 * 1_048_576)
        try await Task.sleep(for: .milliseconds(500))
        let before = server.residentMegabytes()
        var stalled: [RawConnection] = []
        for _ in 0..<200 {
            let connection = try RawConnection(port: server.port, receiveBuffer: 4_096)
            try connection.send(request)
            stalled.append(connection)
        }
        // Let every response start and fill the sockets; the clients read nothing.
        var peak = before
        for _ in 0..<30 {
            try await Task.sleep(for: .milliseconds(200))
            peak = max(peak, server.residentMegabytes())
        }
        #expect(peak - before < 64, "RSS rose \(peak - before) MB for 200 stalled clients (from \(before) MB)")
        stalled.removeAll()
        var after = server.residentMegabytes()
        for _ in 0..<50 where after - before > 16 {
            try await Task.sleep(for: .milliseconds(200))
            after = server.residentMegabytes()
        }
        #expect(after - before < 16, "RSS stayed \(after - before) MB above the start after the clients closed (peak \(peak - before))")
        // And the server still answers.
        let check = try RawConnection(port: server.port)
        try check.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(String(decoding: await check.readOffPool(until: Array("ok".utf8), timeout: .seconds(10)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
    }

    @Test func halfSentHeadersAndIdleConnectionsAreClosedAfterTheirTimeouts() async throws {
        let fixture = try ShareFixture()
        let configuration = ServerConfiguration(port: 0, headerReadTimeout: .milliseconds(600), idleTimeout: .milliseconds(1_500))
        try await withLiveServer(fixture, configuration: configuration) { (client: any TestClientProtocol) async throws -> Void in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            // Half a header, then silence.
            let half = try RawConnection(port: port)
            try half.send("GET /health HTTP/1.1\r\nHost: loc")
            // A header trickled a byte at a time never completes in time either.
            let trickle = try RawConnection(port: port)
            // A client that connects and sends nothing.
            let silent = try RawConnection(port: port)
            let trickleTask = Task {
                for byte in "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: yes\r\n".utf8 {
                    try? trickle.send(String(UnicodeScalar(byte)))
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(await half.waitForCloseOffPool(timeout: .seconds(12)))
            let halfClosedAfter = ContinuousClock.now - started
            #expect(halfClosedAfter >= .milliseconds(500) && halfClosedAfter < .seconds(10), "half header closed after \(halfClosedAfter)")
            #expect(await trickle.waitForCloseOffPool(timeout: .seconds(12)))
            trickleTask.cancel()
            #expect(await silent.waitForCloseOffPool(timeout: .seconds(12)))

            // A kept-alive connection is served, then closed once it has been idle long enough.
            let idle = try RawConnection(port: port)
            try idle.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let answer = await idle.readOffPool(until: Array("ok".utf8), timeout: .seconds(5))
            #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            let servedAt = ContinuousClock.now
            #expect(await idle.waitForCloseOffPool(timeout: .seconds(12)))
            let idleFor = ContinuousClock.now - servedAt
            #expect(idleFor >= .milliseconds(1_000) && idleFor < .seconds(10), "idle connection closed after \(idleFor)")

            // Ordinary requests are unaffected.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}

/// `stockroom serve` as a child process on a free loopback port.
final class ServeProcess: @unchecked Sendable {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/stockroom")
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(home: URL, arguments: [String] = []) async throws -> ServeProcess {
        let port = try freePort()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--home", home.path, "--port", String(port), "--workers", "0"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = ServeProcess(process: process, port: port)
        for _ in 0..<300 {
            if let probe = try? RawConnection(port: port) {
                try? probe.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                if String(decoding: await probe.readOffPool(until: Array("ok".utf8), timeout: .seconds(2)), as: UTF8.self).hasPrefix("HTTP/1.1 200") {
                    return server
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw RawConnectionError.failed("stockroom serve did not start")
    }

    func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw RawConnectionError.failed("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import StockroomCore
import StockroomTestSupport

/// Debian's Chromium, if installed (`scripts/install-deps test` installs it).
let installedChromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Whether the browser tests run: Chromium is there, or CI demands it (`STOCKROOM_TEST_REQUIRE_SERVERS=1`,
/// set by scripts/test), in which case a missing browser fails the test instead of skipping it.
let runBrowserTests = installedChromium != nil || ServerEnvironment.requireServers

enum BrowserError: Error, CustomStringConvertible {
    case missing
    case failed(String)

    var description: String {
        switch self {
        case .missing: "chromium is not installed: scripts/install-deps test installs it (Debian's chromium)"
        case let .failed(reason): reason
        }
    }
}

/// Headless Chromium driven through its DevTools protocol: one WebSocket to the browser
/// (`--remote-debugging-port=0`, the port read from `DevToolsActivePort`), pages attached as
/// flattened sessions. Enough of the protocol for tests: navigate, evaluate, click, screenshot.
final class HeadlessChromium: @unchecked Sendable {
    let process: Process
    let profile: URL
    let port: Int
    let browserPath: String

    private init(process: Process, profile: URL, port: Int, browserPath: String) {
        self.process = process
        self.profile = profile
        self.port = port
        self.browserPath = browserPath
    }

    /// Starts the browser and runs `body` with a connection to it; the browser is stopped after.
    static func with<T: Sendable>(windowSize: (Int, Int) = (1280, 900), _ body: (DevToolsConnection) async throws -> T) async throws -> T {
        guard let executable = installedChromium else { throw BrowserError.missing }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--mute-audio",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=\(profile.path)",
            "--window-size=\(windowSize.0),\(windowSize.1)", "about:blank",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: profile)
        }
        // Chromium writes its port and the browser target's path once it listens.
        let activePort = profile.appendingPathComponent("DevToolsActivePort")
        var lines: [String] = []
        for _ in 0..<300 {
            if let text = try? String(contentsOf: activePort, encoding: .utf8) {
                lines = text.split(separator: "\n").map(String.init)
                if lines.count >= 2 { break }
            }
            guard process.isRunning else { throw BrowserError.failed("chromium exited with status \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard lines.count >= 2, let port = Int(lines[0]) else { throw BrowserError.failed("chromium did not open its DevTools port") }
        return try await DevToolsConnection.open(port: port, path: lines[1], body)
    }
}

/// One WebSocket to the browser. Commands are matched to answers by id; events are kept until a
/// test waits for them.
final class DevToolsConnection: @unchecked Sendable {
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let lock = NSLock()
    private var nextId = 0
    private var waiting: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
    private var events: [(method: String, sessionId: String?, params: JSONValue)] = []
    private var closed: (any Error)?
    private var fragments = ByteBuffer()

    private init(outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        self.outbound = outbound
    }

    enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    static func open<T: Sendable>(port: Int, path: String, _ body: (DevToolsConnection) async throws -> T) async throws -> T {
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 26) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            Upgrade.websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                        }
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "127.0.0.1:\(port)")
                    headers.add(name: "Content-Length", value: "0")
                    let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { Upgrade.refused } })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                }
            }
        guard case let .websocket(channel) = try await upgrade.get() else { throw BrowserError.failed("chromium refused the DevTools WebSocket") }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = DevToolsConnection(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await frame in inbound { connection.receive(frame) }
                        connection.close(BrowserError.failed("the DevTools connection closed"))
                    } catch {
                        connection.close(error)
                    }
                }
                defer { group.cancelAll() }
                let result = try await body(connection)
                try? await connection.send("Browser.close")
                return result
            }
        }
    }

    /// Sends a command (to a page's session when `session` is given) and returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: JSONValue] = [:], session: String? = nil) async throws -> JSONValue {
        let id: Int = lock.withLock {
            nextId += 1
            return nextId
        }
        var message: [String: JSONValue] = ["id": .number(Double(id)), "method": .string(method), "params": .object(params)]
        if let session { message["sessionId"] = .string(session) }
        let data = try JSONEncoder().encode(JSONValue.object(message))
        return try await withCheckedThrowingContinuation { continuation in
            let failure: (any Error)? = lock.withLock {
                if let closed { return closed }
                waiting[id] = continuation
                return nil
            }
            if let failure { return continuation.resume(throwing: failure) }
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: data))
            Task {
                do { try await self.outbound.write(frame) } catch {
                    let pending = self.lock.withLock { self.waiting.removeValue(forKey: id) }
                    pending?.resume(throwing: error)
                }
            }
        }
    }

    /// Waits for an event (of `session`, if given) that arrived since the last wait for it.
    func event(_ method: String, session: String? = nil, timeout: Duration = .seconds(20)) async throws -> JSONValue {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let found: JSONValue? = lock.withLock {
                guard let index = events.firstIndex(where: { $0.method == method && (session == nil || $0.sessionId == session) }) else { return nil }
                return events.remove(at: index).params
            }
            if let found { return found }
            if let closed = lock.withLock({ closed }) { throw closed }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BrowserError.failed("no \(method) event within \(timeout)")
    }

    /// Forgets events of this kind that arrived so far.
    func discardEvents(_ method: String) {
        lock.withLock { events.removeAll { $0.method == method } }
    }

    private func receive(_ frame: WebSocketFrame) {
        switch frame.opcode {
        case .text, .continuation:
            var data = frame.data
            lock.withLock { fragments.writeBuffer(&data) }
            guard frame.fin else { return }
            let bytes: ByteBuffer = lock.withLock {
                let whole = fragments
                fragments = ByteBuffer()
                return whole
            }
            guard let message = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView)) else { return }
            if case let .number(number)? = message["id"] {
                let continuation = lock.withLock { waiting.removeValue(forKey: Int(number)) }
                if let error = message["error"] {
                    continuation?.resume(throwing: BrowserError.failed("DevTools error: \(error)"))
                } else {
                    continuation?.resume(returning: message["result"] ?? .null)
                }
            } else if case let .string(method)? = message["method"] {
                lock.withLock { events.append((method, message["sessionId"]?.stringValue, message["params"] ?? .null)) }
            }
        default:
            break
        }
    }

    private func close(_ error: any Error) {
        let pending: [CheckedContinuation<JSONValue, any Error>] = lock.withLock {
            closed = closed ?? error
            let all = Array(waiting.values)
            waiting.removeAll()
            return all
        }
        for continuation in pending { continuation.resume(throwing: error) }
    }

    /// A new tab, attached as a flattened session.
    func newPage() async throws -> DevToolsPage {
        let target = try await send("Target.createTarget", ["url": .string("about:blank")])
        guard let targetId = target["targetId"]?.stringValue else { throw BrowserError.failed("no target id") }
        let attached = try await send("Target.attachToTarget", ["targetId": .string(targetId), "flatten": .bool(true)])
        guard let session = attached["sessionId"]?.stringValue else { throw BrowserError.failed("no session id") }
        let page = DevToolsPage(connection: self, session: session)
        try await page.send("Page.enable")
        try await page.send("Runtime.enable")
        return page
    }
}

/// One tab.
struct DevToolsPage: Sendable {
    let connection: DevToolsConnection
    let session: String

    @discardableResult
    func send(_ method: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        try await connection.send(method, params, session: session)
    }

    /// Loads `url` and waits for its load event.
    func navigate(_ url: String) async throws {
        connection.discardEvents("Page.loadEventFired")
        let answer = try await send("Page.navigate", ["url": .string(url)])
        if let error = answer["errorText"]?.stringValue { throw BrowserError.failed("navigation to \(url) failed: \(error)") }
        _ = try await connection.event("Page.loadEventFired", session: session)
    }

    /// The value of a JavaScript expression (promises awaited).
    func evaluate(_ expression: String) async throws -> JSONValue {
        let answer = try await send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": .bool(true), "awaitPromise": .bool(true)])
        if let exception = answer["exceptionDetails"] { throw BrowserError.failed("script failed: \(exception)") }
        return answer["result"]?["value"] ?? .null
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    func waitUntil(_ condition: String, timeout: Duration = .seconds(15)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            // While a page reloads its context goes away: that is "not yet", not a failure.
            if case .bool(true)? = try? await evaluate("Boolean(\(condition))") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BrowserError.failed("timed out waiting for \(condition)")
    }

    /// A real left click (press and release) at page coordinates, as a person's mouse makes it.
    func click(x: Double, y: Double) async throws {
        try await send("Input.dispatchMouseEvent", ["type": .string("mouseMoved"), "x": .number(x), "y": .number(y)])
        for type in ["mousePressed", "mouseReleased"] {
            try await send("Input.dispatchMouseEvent", ["type": .string(type), "x": .number(x), "y": .number(y),
                                                        "button": .string("left"), "buttons": .number(type == "mousePressed" ? 1 : 0),
                                                        "clickCount": .number(1)])
        }
    }

    /// Types text into the focused element.
    func type(_ text: String) async throws {
        try await send("Input.insertText", ["text": .string(text)])
    }

    /// The centre of an element, scrolled into view first, in page coordinates for `click`.
    func centre(of selector: String) async throws -> (x: Double, y: Double) {
        let value = try await evaluate("""
            (() => { const e = document.querySelector(\(Self.quoted(selector))); e.scrollIntoView({block: "center"});
                     const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()
            """)
        guard case let .array(numbers) = value, numbers.count == 2, case let .number(x) = numbers[0], case let .number(y) = numbers[1] else {
            throw BrowserError.failed("no element \(selector)")
        }
        return (x, y)
    }

    /// A JavaScript string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func screenshot(to file: URL) async throws {
        let answer = try await send("Page.captureScreenshot", ["format": .string("png")])
        guard let encoded = answer["data"]?.stringValue, let data = Data(base64Encoded: encoded) else { throw BrowserError.failed("no screenshot") }
        try data.write(to: file)
    }
}

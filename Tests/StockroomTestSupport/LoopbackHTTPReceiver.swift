import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP server on a loopback port that records every request it gets (method, path,
/// headers, body) and answers with the statuses it is told, in order (then 200): the receiving
/// end of webhook tests.
public final class LoopbackHTTPReceiver: @unchecked Sendable {
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var status: Int
    }

    private let lock = NIOLockedValueBox<(received: [Received], statuses: [Int])>(([], []))
    private let channel: any Channel
    public let port: Int

    /// Starts listening on 127.0.0.1 on a free port.
    public static func start() async throws -> LoopbackHTTPReceiver {
        let box = ReceiverBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RecordingHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = LoopbackHTTPReceiver(channel: channel, port: channel.localAddress?.port ?? 0)
        box.receiver = receiver
        return receiver
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Answers the next requests with these statuses, in order.
    public func respond(with statuses: [Int]) {
        lock.withLockedValue { $0.statuses = statuses }
    }

    public var received: [Received] { lock.withLockedValue { $0.received } }

    /// Waits until at least `count` requests have arrived.
    public func waitFor(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [Received] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ReceiverTimeout(count: count, got: received.count)
    }

    public struct ReceiverTimeout: Error, CustomStringConvertible {
        public var count: Int
        public var got: Int
        public var description: String { "expected \(count) requests, got \(got)" }
    }

    public func stop() async {
        try? await channel.close().get()
    }

    fileprivate func record(_ head: HTTPRequestHead, body: Data) -> Int {
        lock.withLockedValue { state in
            let status = state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            state.received.append(Received(method: head.method.rawValue, path: head.uri, headers: headers, body: body, status: status))
            return status
        }
    }
}

private final class ReceiverBox: @unchecked Sendable {
    weak var receiver: LoopbackHTTPReceiver?
}

private final class RecordingHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let box: ReceiverBox
    var head: HTTPRequestHead?
    var body = Data()

    init(box: ReceiverBox) {
        self.box = box
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            body = Data()
        case let .body(buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            let status = box.receiver?.record(head, body: body) ?? 503
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "2")
            headers.add(name: "Content-Type", value: "text/plain")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status),
                                                                 headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}

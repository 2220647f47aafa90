import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head does not arrive in time: from the moment the
/// connection opens, and from the first byte of each later request, the whole head (request
/// line and headers) must be read within `timeout`. A client that sends half a header and
/// stalls, or trickles it byte by byte, is cut off. (Waiting between requests is the idle
/// timeout's business.)
///
/// Two handlers share one deadline: `RawSide` sits first in the pipeline and sees bytes arrive;
/// `ParsedSide` sits after the HTTP decoder and sees heads complete and responses end.
final class HeaderReadDeadline {
    let timeout: TimeAmount
    let logger: Logger
    private var scheduled: Scheduled<Void>?
    /// Between requests (after a response's end, before the next byte).
    private var waitingForRequest = true
    /// A head has been read and its response has not ended yet.
    private var inRequest = false

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func arm(_ context: ChannelHandlerContext) {
        scheduled?.cancel()
        let channel = context.channel
        let logger = self.logger
        scheduled = context.eventLoop.scheduleTask(in: timeout) {
            logger.debug("request head not received in time; closing connection")
            channel.close(promise: nil)
        }
    }

    func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }

    final class RawSide: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let deadline: HeaderReadDeadline

        init(_ deadline: HeaderReadDeadline) {
            self.deadline = deadline
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive {
                deadline.waitingForRequest = false
                deadline.arm(context)
            }
        }

        func channelActive(context: ChannelHandlerContext) {
            deadline.waitingForRequest = false
            deadline.arm(context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if deadline.waitingForRequest, !deadline.inRequest {
                deadline.waitingForRequest = false
                deadline.arm(context)
            }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadline.disarm()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            deadline.disarm()
        }
    }

    final class ParsedSide: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        let deadline: HeaderReadDeadline

        init(_ deadline: HeaderReadDeadline) {
            self.deadline = deadline
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) {
                deadline.inRequest = true
                deadline.disarm()
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) {
                deadline.inRequest = false
                deadline.waitingForRequest = true
            }
            context.write(data, promise: promise)
        }
    }
}

/// HTTP/1.1 as Hummingbird serves it, plus the header-read deadline at the front of each
/// connection's pipeline and, just before Hummingbird's handler, the share-link fast path
/// (`ShareRenditionFastPath`) when one is given. Hummingbird's own idle timeout and connection
/// limit stay in charge of idle connections and of how many are accepted.
struct StockroomHTTPChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let http1: HTTP1Channel
    let headerTimeout: TimeAmount
    let logger: Logger
    var fastPath: GalleryController?
    var fastPathTally: ShareFastPathTally?

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadline = HeaderReadDeadline(timeout: headerTimeout, logger: self.logger)
        do {
            try channel.pipeline.syncOperations.addHandler(HeaderReadDeadline.RawSide(deadline), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let state = try channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self)
            try channel.pipeline.syncOperations.addHandler(HeaderReadDeadline.ParsedSide(deadline), position: .before(state))
            if let fastPath {
                try channel.pipeline.syncOperations.addHandler(
                    ShareRenditionFastPath(gallery: fastPath, serverName: ServerConfiguration.serverName, tally: fastPathTally),
                    position: .after(state)
                )
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

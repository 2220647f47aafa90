import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// The two clocks of a connection:
///
/// - **Header read**: from the moment the connection opens, and from the first byte of each
///   later request, the whole head (request line and headers) must be read within
///   `headerTimeout`. A client that sends half a header and stalls, or trickles it byte by
///   byte, is cut off. (Waiting between requests is the idle timeout's business.)
/// - **Idle**: a connection with no request in progress for `idleTimeout` is closed. (This
///   replaces Hummingbird's own idle timer, which sees only the requests that reach its HTTP/1
///   decoder; the share-link fast path answers others before the decoder, and tells this clock.)
///
/// Two handlers share the clocks: `RawSide` sits first in the pipeline and sees bytes arrive;
/// `ParsedSide` sits after the HTTP decoder and sees heads complete and responses end. Requests
/// the fast path answers from the raw bytes are reported with `answeredBeforeDecoder`.
final class ConnectionDeadlines {
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount?
    let logger: Logger
    private var headerTask: Scheduled<Void>?
    /// When the head being read began; `nil` while none is being read.
    private var headStartedAt: NIODeadline?
    /// Between requests (after a response's end, before the next byte).
    private var waitingForRequest = true
    /// A head has been read by the decoder and its response has not ended yet.
    private var inRequest = false

    private var idleTask: Scheduled<Void>?
    /// Requests read by the decoder whose response has not ended.
    private var requestsInProgress = 0
    /// The decoder is reading a request (head read, end not yet).
    private var requestBeingRead = false
    private var lastActive = NIODeadline.now()

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount?, logger: Logger) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// A head begins now. The check is scheduled only when none is pending: a connection that
    /// answers thousands of requests a second would otherwise schedule and cancel a timer for
    /// each (it was a tenth of the fast path's CPU). The check looks at when the current head
    /// began and schedules itself again for that head's deadline.
    private func armHeader(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        headStartedAt = now
        if headerTask == nil { scheduleHeaderCheck(context, at: now + headerTimeout) }
    }

    private func scheduleHeaderCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let channel = context.channel
        headerTask = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            headerTask = nil
            guard let started = headStartedAt, channel.isActive else { return }
            if NIODeadline.now() >= started + headerTimeout {
                logger.debug("request head not received in time; closing connection")
                channel.close(promise: nil)
            } else {
                scheduleHeaderCheck(context, at: started + headerTimeout)
            }
        }
    }

    /// The head is read (or the connection is between requests).
    private func disarmHeader() {
        headStartedAt = nil
    }

    private func opened(_ context: ChannelHandlerContext) {
        waitingForRequest = false
        armHeader(context)
        lastActive = .now()
        if let idleTimeout { scheduleIdleCheck(context, at: lastActive + idleTimeout) }
    }

    private func closed() {
        disarmHeader()
        headerTask?.cancel()
        headerTask = nil
        idleTask?.cancel()
        idleTask = nil
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        idleTask?.cancel()
        let channel = context.channel
        idleTask = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            idleTask = nil
            guard let idleTimeout, channel.isActive else { return }
            let now = NIODeadline.now()
            if requestsInProgress > 0, !requestBeingRead {
                // Answering: the response's end starts the idle clock again.
                scheduleIdleCheck(context, at: now + idleTimeout)
            } else if now >= lastActive + idleTimeout {
                logger.debug("connection idle; closing")
                channel.close(promise: nil)
            } else {
                scheduleIdleCheck(context, at: lastActive + idleTimeout)
            }
        }
    }

    /// A request the fast path answered from the connection's bytes, its response written:
    /// the head arrived in time and the connection was active. `moreBytes`: the start of the
    /// next request is already read, so its head clock runs from now.
    func answeredBeforeDecoder(_ context: ChannelHandlerContext, moreBytes: Bool) {
        lastActive = .now()
        guard !inRequest else { return }
        disarmHeader()
        waitingForRequest = true
        if moreBytes {
            waitingForRequest = false
            armHeader(context)
        }
    }

    final class RawSide: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { deadlines.opened(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            deadlines.opened(context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if deadlines.waitingForRequest, !deadlines.inRequest {
                deadlines.waitingForRequest = false
                deadlines.armHeader(context)
            }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadlines.closed()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            deadlines.closed()
        }
    }

    final class ParsedSide: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadlines.lastActive = .now()
            switch unwrapInboundIn(data) {
            case .head:
                deadlines.inRequest = true
                deadlines.disarmHeader()
                deadlines.requestsInProgress += 1
                deadlines.requestBeingRead = true
            case .end:
                deadlines.requestBeingRead = false
            case .body:
                break
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) {
                deadlines.inRequest = false
                deadlines.waitingForRequest = true
                deadlines.requestsInProgress = max(0, deadlines.requestsInProgress - 1)
                if deadlines.requestsInProgress == 0 { deadlines.lastActive = .now() }
            }
            context.write(data, promise: promise)
        }
    }
}

/// HTTP/1.1 as Hummingbird serves it, plus the connection's header-read and idle clocks
/// (`ConnectionDeadlines`: the raw side first in the pipeline, the parsed side after the HTTP
/// decoder) and, right after the raw side — ahead of NIO's HTTP/1 decoder — the share-link fast
/// path (`ShareRenditionFastPath`) when one is given. Hummingbird's connection handler stays in
/// charge of graceful shutdown; the server's connection limit of how many are accepted.
struct StockroomHTTPChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    /// Built without an idle timeout of its own (`ConnectionDeadlines` keeps it).
    let http1: HTTP1Channel
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount?
    let logger: Logger
    var fastPath: GalleryController?
    var fastPathTally: ShareFastPathTally?

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadlines = ConnectionDeadlines(headerTimeout: headerTimeout, idleTimeout: idleTimeout, logger: self.logger)
        let rawSide = ConnectionDeadlines.RawSide(deadlines)
        do {
            try channel.pipeline.syncOperations.addHandler(rawSide, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let state = try channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self)
            try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines.ParsedSide(deadlines), position: .before(state))
            if let fastPath {
                let raw = ShareRenditionFastPath(gallery: fastPath, deadlines: deadlines, serverName: ServerConfiguration.serverName,
                                                 tally: fastPathTally)
                try channel.pipeline.syncOperations.addHandler(raw, position: .after(rawSide))
                try channel.pipeline.syncOperations.addHandler(ShareRenditionFastPath.ResponseEnds(raw), position: .before(state))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

import Foundation
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import StockroomCore

/// Answers `GET|HEAD /s/{token}/assets/{assetId}/view/{RENDITION}` — the gallery's thumbnails and
/// previews — from the connection's raw bytes, ahead of NIO's HTTP/1 decoder, Hummingbird's
/// per-request task, request context and middleware chain, when everything the answer needs is
/// in memory: the resolved link at the catalog's current change version, the rendition's
/// prepared response (`PreparedRendition`) and a verified copy of the small blob.
/// `GalleryController.viewFromMemory` decides with the same checks as the `view` route and writes
/// the same access-log row; this handler writes the prepared head, `Date` and `Server` (as
/// Hummingbird does) and the cached body — a shared buffer, not a copy — and flushes once per read.
///
/// It reads each request's head itself (`RawRequestHead`, strict) and passes the bytes of every
/// request it does not answer on to the decoder unchanged, head and `Content-Length` body: other
/// routes and methods, HTTP/1.0, `Connection: close`, headers it does not know, a request not
/// answerable from memory (any refusal or error is therefore the router's own). So that responses
/// keep their order, while a request passed on is still being answered every later one is passed
/// on too; so that a client that does not read holds a bounded buffer, so is every request that
/// arrives while the connection is over its write-buffer water mark (Hummingbird's queue is
/// back-pressured). Anything it cannot frame with certainty (`Transfer-Encoding`, `Upgrade`,
/// malformed or oversized heads) hands the connection to the decoder for good. After graceful
/// shutdown has begun it answers nothing more, and Hummingbird closes the connection.
///
/// The header-read and idle clocks (`ConnectionDeadlines`) hear of each request it answers.
final class ShareRenditionFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Reading {
        /// At the start of a request head (or inside one, its first bytes in `pending`).
        case head
        /// Inside the body of a request passed on: this many bytes go on before the next head.
        case body(remaining: Int)
        /// Every byte goes to the decoder, for the rest of the connection.
        case handedOver
    }

    let gallery: GalleryController
    let deadlines: ConnectionDeadlines?
    let serverName: String
    let tally: ShareFastPathTally?
    private var reading = Reading.head
    /// The first bytes of a head not complete yet.
    private var pending: ByteBuffer?
    /// Requests passed on whose response has not ended yet (`ResponseEnds` counts them down).
    private var awaitingResponses = 0
    private var quiescing = false
    private var unflushed = false
    private var client: (address: String?, known: Bool) = (nil, false)

    init(gallery: GalleryController, deadlines: ConnectionDeadlines?, serverName: String, tally: ShareFastPathTally?) {
        self.gallery = gallery
        self.deadlines = deadlines
        self.serverName = serverName
        self.tally = tally
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if case .handedOver = reading { return context.fireChannelRead(data) }
        if var earlier = pending {
            pending = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        while bytes.readableBytes > 0 {
            switch reading {
            case .handedOver:
                return context.fireChannelRead(wrapInboundOut(bytes))
            case let .body(remaining):
                let count = min(remaining, bytes.readableBytes)
                context.fireChannelRead(wrapInboundOut(bytes.readSlice(length: count)!))
                reading = remaining == count ? .head : .body(remaining: remaining - count)
            case .head:
                let outcome = bytes.withUnsafeReadableBytes { RawRequestHead.parse($0) }
                switch outcome {
                case .incomplete:
                    pending = bytes
                    return
                case .handOver:
                    reading = .handedOver
                    return context.fireChannelRead(wrapInboundOut(bytes))
                case let .request(head):
                    if answer(head, context: context) {
                        bytes.moveReaderIndex(forwardBy: head.headLength)
                        deadlines?.answeredBeforeDecoder(context, moreBytes: bytes.readableBytes > 0)
                    } else {
                        awaitingResponses += 1
                        context.fireChannelRead(wrapInboundOut(bytes.readSlice(length: head.headLength)!))
                        if head.bodyLength > 0 { reading = .body(remaining: head.bodyLength) }
                    }
                }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { quiescing = true }
        if case .inputClosed = event as? ChannelEvent { handOverPending(context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handOverPending(context: context)
        context.fireChannelInactive()
    }

    /// The client stopped sending inside a head: the decoder gets its bytes, and answers the
    /// unfinished request (400) as it would have without the fast path.
    private func handOverPending(context: ChannelHandlerContext) {
        guard let bytes = pending else { return }
        pending = nil
        reading = .handedOver
        context.fireChannelRead(wrapInboundOut(bytes))
        context.fireChannelReadComplete()
    }

    /// Answers the request from memory when it is a plain view request, nothing passed on is
    /// still being answered, the connection has room in its write buffer and is not shutting
    /// down, and `viewFromMemory` has the answer. Writes it; flushed when the read is done.
    private func answer(_ head: RawRequestHead, context: ChannelHandlerContext) -> Bool {
        guard let view = head.view, awaitingResponses == 0, !quiescing, context.channel.isWritable else { return false }
        let now = Date()
        guard let answer = gallery.viewFromMemory(view, client: shareClient(view, context: context), now: now) else {
            tally?.count(answered: false)
            return false
        }
        let end = ResponseHeadEnd.current(serverName: serverName, now: now)
        var headBytes = context.channel.allocator.buffer(capacity: answer.head.readableBytes + end.readableBytes)
        headBytes.writeImmutableBuffer(answer.head)
        headBytes.writeImmutableBuffer(end)
        context.write(wrapOutboundOut(headBytes), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(body), promise: nil) }
        unflushed = true
        tally?.count(answered: true)
        return true
    }

    /// A response from Hummingbird ended: the request passed on is done.
    fileprivate func responseEnded() {
        if awaitingResponses > 0 { awaitingResponses -= 1 }
    }

    /// Who asks, for the access log: the connection's address (as `StockroomRequestContext` has it)
    /// and the request's user agent.
    private func shareClient(_ view: ViewRequest, context: ChannelHandlerContext) -> ShareClient {
        if !client.known { client = (context.channel.remoteAddress?.ipAddress, true) }
        return ShareClient(address: client.address, userAgent: view.userAgent)
    }

    /// After the HTTP/1 codec: tells the fast path when a response to a request it passed on has
    /// ended (after the end went on towards the socket, so what it answers next follows it).
    final class ResponseEnds: ChannelOutboundHandler, RemovableChannelHandler {
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        private let fastPath: ShareRenditionFastPath

        init(_ fastPath: ShareRenditionFastPath) {
            self.fastPath = fastPath
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
            context.write(data, promise: promise)
            if isEnd { fastPath.responseEnded() }
        }
    }
}

/// How many share-link file requests the fast path answered and how many it passed on after
/// looking at them (tests and benchmarks read it; `ServerConfiguration.shareFastPathTally`).
public final class ShareFastPathTally: @unchecked Sendable {
    private let lock = NSLock()
    private var answeredCount = 0
    private var passedOnCount = 0

    public init() {}

    public var answered: Int { lock.withLock { answeredCount } }
    public var passedOn: Int { lock.withLock { passedOnCount } }

    func count(answered: Bool) {
        lock.withLock {
            if answered { answeredCount += 1 } else { passedOnCount += 1 }
        }
    }
}

/// `Date: …\r\nServer: …\r\n\r\n`, the end of every head the fast path writes, made at most once
/// a second.
enum ResponseHeadEnd {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var second: Int = -1
    nonisolated(unsafe) private static var bytes = ByteBuffer()

    static func current(serverName: String, now: Date) -> ByteBuffer {
        let whole = Int(now.timeIntervalSince1970)
        lock.lock()
        defer { lock.unlock() }
        if whole != second {
            second = whole
            bytes = ByteBuffer(string: "Date: \(ResponseDate.format(Date(timeIntervalSince1970: TimeInterval(whole))))\r\nServer: \(serverName)\r\n\r\n")
        }
        return bytes
    }
}

/// The `Date` header as Hummingbird writes it (`Tue, 01 Dec 2026 15:31:01 GMT`).
enum ResponseDate {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar
    }()
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[c.weekday! - 1]), \(two(c.day)) \(months[c.month! - 1]) \(c.year!) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }
}

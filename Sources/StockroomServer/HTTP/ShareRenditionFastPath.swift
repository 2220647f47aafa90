import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import StockroomCore

/// Answers `GET|HEAD /s/{token}/assets/{assetId}/view/{RENDITION}` — the gallery's thumbnails and
/// previews — on the connection's event loop, without Hummingbird's per-request task, request
/// context and middleware chain, when everything the answer needs is in memory: the resolved link
/// at the catalog's current change version, a verified copy of the (small) blob.
/// `GalleryController.viewFromMemory` decides with the same checks as the `view` route, writes the
/// same access-log row and builds the same headers; this handler adds `Date` and `Server` as
/// Hummingbird does and writes the response.
///
/// Everything else goes on to Hummingbird unchanged, head and body parts in their order: other
/// routes, requests it cannot answer from memory (a cache miss, a stale change counter, any
/// refusal or error, Range, conditional headers but If-None-Match), requests with a body or
/// `Connection` other than keep-alive, and — so responses keep their order and a slow reader's
/// buffer stays bounded — every request that arrives while a request passed on is still being
/// answered, or while the connection is over its write-buffer water mark.
///
/// Sits after `HTTPConnectionStateHandler` (idle timeout, graceful shutdown) and the header-read
/// deadline, which see its requests and responses like any other.
final class ShareRenditionFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Reading {
        /// Between requests.
        case idle
        /// A head this handler may answer, waiting for its end (a body means it is passed on).
        case holding(HTTPRequest)
        /// Parts of a request passed on, until its end.
        case passing
    }

    let gallery: GalleryController
    let serverName: String
    let tally: ShareFastPathTally?
    private var reading = Reading.idle
    /// Requests passed on whose response has not ended yet.
    private var awaitingResponses = 0
    private var unflushed = false
    private var client: (address: String?, known: Bool) = (nil, false)

    init(gallery: GalleryController, serverName: String, tally: ShareFastPathTally?) {
        self.gallery = gallery
        self.serverName = serverName
        self.tally = tally
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (reading, part) {
        case let (.idle, .head(head)):
            if mayAnswer(head, context: context) {
                reading = .holding(head)
            } else {
                awaitingResponses += 1
                reading = .passing
                context.fireChannelRead(data)
            }
        case let (.holding(head), .end):
            if let request = Self.viewRequest(head), let answer = gallery.viewFromMemory(request, client: shareClient(head, context: context)) {
                reading = .idle
                write(answer, context: context)
                tally?.count(answered: true)
            } else {
                passOn(head, context: context)
                reading = .idle
                context.fireChannelRead(data)
                tally?.count(answered: false)
            }
        case let (.holding(head), _):
            passOn(head, context: context)
            // Not reached (the decoder ends a request before the next head); passed on as it came.
            if case .head = part { awaitingResponses += 1 }
            context.fireChannelRead(data)
        case (.passing, .end):
            reading = .idle
            context.fireChannelRead(data)
        case (.passing, _), (.idle, _):
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Hummingbird answers parse errors; it must have seen the head this handler was holding.
        if case let .holding(head) = reading { passOn(head, context: context) }
        context.fireErrorCaught(error)
    }

    /// Responses from Hummingbird: when one ends, the request it answered is done.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), awaitingResponses > 0 { awaitingResponses -= 1 }
        context.write(data, promise: promise)
    }

    /// A head this handler may answer once its end arrives: GET or HEAD of a `view` route, no
    /// body, no `Connection: close` (Hummingbird ends the connection after that response), nothing
    /// passed on still being answered, and room in the connection's write buffer.
    private func mayAnswer(_ head: HTTPRequest, context: ChannelHandlerContext) -> Bool {
        guard head.method == .get || head.method == .head, awaitingResponses == 0, context.channel.isWritable,
              let path = head.path, path.hasPrefix("/s/"), path.contains("/view/") else { return false }
        let fields = head.headerFields
        guard fields[.contentLength] == nil, fields[.transferEncoding] == nil else { return false }
        if let connection = fields[.connection], connection.lowercased() != "keep-alive" { return false }
        return true
    }

    /// The view request in a head, unless it has a header the answer from memory does not handle
    /// (Range and the conditionals but If-None-Match) or a path the router would read otherwise.
    static func viewRequest(_ head: HTTPRequest) -> ViewRequest? {
        let fields = head.headerFields
        guard let route = ViewRoute(path: head.path), fields[.range] == nil, fields[.ifRange] == nil, fields[.ifMatch] == nil,
              fields[.ifModifiedSince] == nil, fields[.ifUnmodifiedSince] == nil
        else { return nil }
        return ViewRequest(token: route.token, assetId: route.assetId, file: route.file, isHead: head.method == .head,
                           ifNoneMatch: fields[.ifNoneMatch], cookies: fields[values: .cookie], userAgent: fields[.userAgent])
    }

    /// Hands a held head to Hummingbird; its response is awaited before this handler answers again.
    private func passOn(_ head: HTTPRequest, context: ChannelHandlerContext) {
        awaitingResponses += 1
        reading = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    private func write(_ answer: FileFromMemory, context: ChannelHandlerContext) {
        var fields = answer.headers
        fields[.date] = ResponseDate.current()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        unflushed = true
    }

    /// Who asks, for the access log: the connection's address (as `StockroomRequestContext` has it)
    /// and the request's user agent.
    private func shareClient(_ head: HTTPRequest, context: ChannelHandlerContext) -> ShareClient {
        if !client.known { client = (context.channel.remoteAddress?.ipAddress, true) }
        return ShareClient(address: client.address, userAgent: head.headerFields[.userAgent])
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

/// The `Date` header as Hummingbird writes it (`Tue, 01 Dec 2026 15:31:01 GMT`), formatted at most
/// once a second.
enum ResponseDate {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var second: Int = -1
    nonisolated(unsafe) private static var text = ""
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar
    }()
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func current(_ now: Date = Date()) -> String {
        let now = Int(now.timeIntervalSince1970)
        lock.lock()
        defer { lock.unlock() }
        if now != second {
            second = now
            text = format(Date(timeIntervalSince1970: TimeInterval(now)))
        }
        return text
    }

    static func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[c.weekday! - 1]), \(two(c.day)) \(months[c.month! - 1]) \(c.year!) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }
}

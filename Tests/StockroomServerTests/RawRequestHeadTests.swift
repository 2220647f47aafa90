import NIOCore
import Testing
@testable import StockroomServer

/// How the fast path reads a request head from raw bytes: where each request ends, which ones it
/// may answer, and what it leaves to NIO's HTTP/1 decoder for good.
@Suite("Share links: reading request heads from the raw bytes")
struct RawRequestHeadTests {
    static let view = "/s/\(String(repeating: "a", count: 43))/assets/12/view/THUMBNAIL_MEDIUM"

    func parse(_ text: String) -> RawRequestHead.Outcome {
        Array(text.utf8).withUnsafeBytes { RawRequestHead.parse($0) }
    }

    func request(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> RawRequestHead? {
        guard case let .request(head) = parse(text) else {
            Issue.record("not read as one request: \(text.debugDescription)", sourceLocation: sourceLocation)
            return nil
        }
        return head
    }

    func handedOver(_ text: String) -> Bool {
        if case .handOver = parse(text) { return true }
        return false
    }

    func incomplete(_ text: String) -> Bool {
        if case .incomplete = parse(text) { return true }
        return false
    }

    @Test func aPlainViewRequestIsAnswerableWithTheHeadersItReads() throws {
        let text = "GET \(Self.view) HTTP/1.1\r\nHost: x\r\nUser-Agent:  Same/1 \r\nIf-None-Match: \"abc\"\r\n"
            + "Cookie: a=1\r\nCookie: stockroom_share=2\r\nConnection: Keep-Alive\r\nAccept: */*\r\n\r\nGET /next"
        let head = try #require(request(text))
        #expect(head.headLength == text.utf8.count - "GET /next".utf8.count)
        #expect(head.bodyLength == 0)
        let view = try #require(head.view)
        #expect(view.token == String(repeating: "a", count: 43))
        #expect(view.assetId == "12" && view.file == "THUMBNAIL_MEDIUM" && !view.isHead)
        #expect(view.userAgent == "Same/1" && view.ifNoneMatch == "\"abc\"")
        #expect(view.cookies == ["a=1", "stockroom_share=2"])
        #expect(try #require(request("HEAD \(Self.view) HTTP/1.1\r\n\r\n")).view?.isHead == true)
    }

    @Test func requestsTheRouterMustSeeAreFramedButNotAnswerable() throws {
        for text in [
            "GET \(Self.view) HTTP/1.0\r\nHost: x\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET \(Self.view)?v=2 HTTP/1.1\r\n\r\n",
            "GET /s/aaa/assets/1%32/view/PREVIEW HTTP/1.1\r\n\r\n",
            "GET /s/aaa/assets/12/view/PREVIEW/extra HTTP/1.1\r\n\r\n",
            "GET /s/aaa/assets//view/PREVIEW HTTP/1.1\r\n\r\n",
            "GET http://x\(Self.view) HTTP/1.1\r\n\r\n",
            "POST \(Self.view) HTTP/1.1\r\n\r\n",
            "get \(Self.view) HTTP/1.1\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nRange: bytes=1-\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nIf-Modified-Since: Tue, 01 Dec 2026 15:31:01 GMT\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nX-Custom: 1\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nUser-Agent: a\r\nUser-Agent: b\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nUser-Agent: caf\u{e9}\r\n\r\n",
            "GET \(Self.view) HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        ] {
            let head = try #require(request(text))
            #expect(head.view == nil, "\(text.debugDescription)")
            #expect(head.headLength == text.utf8.count)
        }
        let post = try #require(request("POST /api/v1/assets HTTP/1.1\r\nContent-Length:  12 \r\n\r\n{\"a\":"))
        #expect(post.bodyLength == 12 && post.headLength == "POST /api/v1/assets HTTP/1.1\r\nContent-Length:  12 \r\n\r\n".utf8.count)
    }

    @Test func anythingItCannotFrameWithCertaintyGoesToTheDecoderForGood() {
        for text in [
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            "PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
            "CONNECT x:443 HTTP/1.1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: +3\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n",
            "GET / HTTP/1.1\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET / HTTP/1.1\r\n: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET /\r\n\r\n",
            "\r\nGET / HTTP/1.1\r\n\r\n",
            "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}",
            "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: RawRequestHead.maxBytes),
        ] {
            #expect(handedOver(text), "\(text.prefix(80).debugDescription)")
        }
    }

    @Test func aHeadIsIncompleteUntilItsBlankLineAndSoAtEveryByteBefore() {
        let text = "GET \(Self.view) HTTP/1.1\r\nHost: x\r\nUser-Agent: Split/1\r\n\r\n"
        let bytes = Array(text.utf8)
        for end in 0..<bytes.count {
            let outcome = Array(bytes[0..<end]).withUnsafeBytes { RawRequestHead.parse($0) }
            guard case .incomplete = outcome else {
                Issue.record("a head cut after \(end) bytes was not incomplete")
                continue
            }
        }
        #expect(request(text)?.view?.userAgent == "Split/1")
        #expect(incomplete("GET / HTTP/1.1\r\nHost: x\r\n\r"))
        #expect(incomplete("GET / HTTP/1.0\r\nX-Obs: caf\u{e9}\t"))
        for method in ["G", "HEA", "POST /api", "OPTIONS * HTTP/1.1\r\n", "PATCH /api/v1/assets/1 HTTP/1.1\r\nContent-"] {
            #expect(incomplete(method), "\(method.debugDescription)")
        }
    }

    @Test func aHeadThatBreaksTheGrammarIsHandedOverAtItsFirstWrongByte() {
        for text in [
            "GET / HTTP/1.1\r\nIf[None-Match: x", "GET / HTTP/1.1\r\nHost: x\rY", "GET / HTTQ", "GET / HTTP/1.1\r\n folded",
            "GET / HTTP/1.1\r\nHost: x\nY", "GET  /", "GET / HTTP/1.1 ", "G\u{7F}", "GET / HTTP/1.1\r\n: x", "GET /a\u{1}",
            "ET /s", "GO", "GE /", "GET% /", "GETGET /", "M-SEARCH * HTTP/1.1\r\n",
        ] {
            #expect(handedOver(text), "\(text.debugDescription)")
        }
    }
}

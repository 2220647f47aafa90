import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StockroomCore
import StockroomServer
import Testing

/// The share-link fast path (`ShareRenditionFastPath`, ahead of NIO's HTTP/1 decoder) against Hummingbird's route, over loopback:
/// two servers on one data home, one with the fast path and one without, sent the same bytes on
/// raw connections. Their answers must be the same bytes (but the `Date` header's value), and the
/// tally shows which requests the fast path answered and which it left to Hummingbird.
@Suite("Share links: the fast path answers as the router does")
struct ShareFastPathTests {
    @Test func cachedThumbnailHeadAndNotModifiedAreTheSameBytesAndTheSameLogRows() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let thumb = scene.thumbnailURI(link)
        let etag = "\"\(try scene.thumbnailHash())\""
        let fastSends = Counter()
        try await scene.withBothServers { servers in
            try await servers.warm(thumb)
            let first = try await servers.expectSame("GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Same/1\r\n\r\n", status: 200,
                                                     body: scene.fixture.blob(try scene.thumbnailHash()))
            try await servers.expectSame("HEAD \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Same/1\r\n\r\n", status: 200, head: true)
            try await servers.expectSame("GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Same/1\r\nIf-None-Match: \(etag)\r\n\r\n",
                                         status: 304)
            let other = try await servers.expectSame(
                "GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Same/1\r\nIf-None-Match: \"other\"\r\n\r\n", status: 200)
            fastSends.value = first + other
            // A Range is left to the router, which answers it as before.
            try await servers.expectSame("GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Same/1\r\nRange: bytes=10-99\r\n\r\n",
                                         status: 206, fastPathAnswers: false)
        }
        // Both paths logged the same row for each GET that served bytes (each sent to the router
        // once and to the fast server `fastSends` times in all, and a range to each), nothing for HEAD and 304.
        let rows = try scene.fixture.shares.accessLog(token: link.token).filter { $0.userAgent == "Same/1" }
        #expect(rows.count == 2 + fastSends.value + 2)
        #expect(rows.allSatisfy { $0.event == .view && $0.renditionType == "THUMBNAIL_MEDIUM" && $0.assetId == scene.asset.id })
        #expect(rows.allSatisfy { $0.ipAddress == "127.0.0.1" })
        #expect(rows.filter { $0.byteRange == "10-99" }.count == 2)
    }

    @Test func revokedAndExpiredLinksAreRefusedAtOnceAsTheRouterRefusesThem() async throws {
        let scene = try FastPathScene()
        let revoked = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let elsewhere = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        // Another process: its own connection pool on the same catalog file.
        let otherProcess = SQLiteCatalog(database: try CatalogDatabase(url: scene.fixture.home.catalogURL))
        let otherShares = ShareService(shares: otherProcess, collections: otherProcess, assets: otherProcess)
        try await scene.withBothServers { servers in
            for link in [revoked, elsewhere] { try await servers.warm(scene.thumbnailURI(link)) }
            // Revoked through this process's catalog: the very next request is refused.
            _ = try scene.fixture.shares.revoke(token: revoked.token, by: .cli)
            try await servers.expectSame("GET \(scene.thumbnailURI(revoked)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 404,
                                         fastPathAnswers: false)
            try await servers.expectSame("GET \(scene.thumbnailURI(revoked)) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
                                         status: 404, fastPathAnswers: false)
            // Revoked by another process: within the change counter's maximum age (100 ms).
            _ = try otherShares.revoke(token: elsewhere.token, by: .cli)
            try await Task.sleep(for: .milliseconds(150))
            try await servers.expectSame("GET \(scene.thumbnailURI(elsewhere)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 404,
                                         fastPathAnswers: false)
            // An expiring link is served from memory until its expiry, then 410 at once. The
            // window is 8 s; when a loaded machine took longer than that to warm the link and be
            // answered, the exchange proves nothing and is tried again with a window 4× as long.
            var window: TimeInterval = 8
            var served: ShareLink?
            while served == nil, window < 600 {
                let link = try scene.fixture.shares.createShare(
                    ShareRequest(target: .collection(slug: scene.collection), expiresAt: Date().addingTimeInterval(window)), by: .system)
                try await servers.warm(scene.thumbnailURI(link))
                let exchange = try await servers.exchange("GET \(scene.thumbnailURI(link)) HTTP/1.1\r\nHost: x\r\n\r\n",
                                                          until: link.expiresAt!)
                if let exchange {
                    #expect(exchange.router.status == 200)
                    #expect(exchange.fast == exchange.router)
                    #expect(exchange.answeredFromMemory, "an expiring link is served from memory before its expiry")
                    served = link
                }
                window *= 4
            }
            let expiring = try #require(served, "no exchange finished inside its link's window")
            let wait = expiring.expiresAt!.timeIntervalSinceNow
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 50)) }
            try await servers.expectSame("GET \(scene.thumbnailURI(expiring)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 410,
                                         fastPathAnswers: false)
        }
    }

    @Test func passwordViewLinkAndCapRulesAreTheRoutersRules() async throws {
        let scene = try FastPathScene()
        let fixture = scene.fixture
        let secret = try fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection), password: "open sesame"),
                                                    by: .system)
        let viewOnly = try fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection), accessLevel: .view),
                                                      by: .system)
        let capped = try fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection), maxDownloads: 1), by: .system)
        try await scene.withBothServers { servers in
            // Password: no cookie is a 401 from the router; a valid cookie is served from memory.
            try await servers.expectSame("GET \(scene.thumbnailURI(secret)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 401, fastPathAnswers: false)
            try await servers.expectSame("GET \(scene.thumbnailURI(secret)) HTTP/1.1\r\nHost: x\r\nCookie: stockroom_share=1.forged\r\n\r\n",
                                         status: 401, fastPathAnswers: false)
            let login = try await servers.fast.execute(uri: "/s/\(secret.token)/password", method: .post,
                                                       headers: [.contentType: "application/json"],
                                                       body: ByteBuffer(string: #"{"password":"open sesame"}"#))
            let cookie = try #require(cookiePair(login.headers[.setCookie]))
            let withCookie = "GET \(scene.thumbnailURI(secret)) HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; \(cookie)\r\n\r\n"
            try await servers.warm(withCookie: withCookie)
            try await servers.expectSame(withCookie, status: 200)

            // A view link serves its watermarked proof, and nothing above it.
            let proof = "/s/\(viewOnly.token)/assets/\(scene.asset.id!)/view/WATERMARKED"
            try await servers.warm(proof)
            try await servers.expectSame("GET \(proof) HTTP/1.1\r\nHost: x\r\n\r\n", status: 200)
            for file in ["THUMBNAIL_MEDIUM", "PREVIEW", "WEB_OPTIMIZED", "original"] {
                try await servers.expectSame("GET /s/\(viewOnly.token)/assets/\(scene.asset.id!)/view/\(file) HTTP/1.1\r\nHost: x\r\n\r\n",
                                             status: 404, fastPathAnswers: false)
            }
            // A link whose cap is used up still shows its page's thumbnails (views never count) and
            // refuses downloads, as the router does.
            let take = try await servers.fast.execute(uri: "/s/\(capped.token)/assets/\(scene.asset.id!)/download/original", method: .get)
            #expect(take.status == .ok)
            try await servers.warm(scene.thumbnailURI(capped))
            try await servers.expectSame("GET \(scene.thumbnailURI(capped)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 200)
            try await servers.expectSame("GET /s/\(capped.token)/assets/\(scene.asset.id!)/download/THUMBNAIL_MEDIUM HTTP/1.1\r\nHost: x\r\n\r\n",
                                         status: 403, fastPathAnswers: false)
            // Unknown assets, files and tokens are the router's 404s.
            for uri in ["/s/\(capped.token)/assets/999999/view/THUMBNAIL_MEDIUM", "/s/\(capped.token)/assets/\(scene.asset.id!)/view/NOPE",
                        "/s/\(String(repeating: "a", count: 43))/assets/1/view/THUMBNAIL_MEDIUM"] {
                try await servers.expectSame("GET \(uri) HTTP/1.1\r\nHost: x\r\n\r\n", status: 404, fastPathAnswers: false)
            }
        }
        #expect(try fixture.shares.summary(token: capped.token).downloadCount == 1)
    }

    @Test func pipelinedRequestsMixingBothPathsComeBackInOrder() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let thumb = scene.thumbnailURI(link)
        let preview = "/s/\(link.token)/assets/\(scene.asset.id!)/view/PREVIEW"
        try await scene.withBothServers { servers in
            try await servers.warm(thumb)
            try await servers.warm(preview)
            let requests: [(String, Bool)] = [
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("GET /s/\(link.token) HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("HEAD \(preview) HTTP/1.1\r\nHost: x\r\n\r\n", true),
                ("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("GET \(preview) HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("GET \(thumb)?v=2 HTTP/1.1\r\nHost: x\r\n\r\n", false),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false),
            ]
            let slow = try await RawExchange.send(requests.map(\.0).joined(), port: servers.slowPort, heads: requests.map(\.1))
            #expect(slow.responses.map(\.status) == [200, 200, 200, 200, 200, 200, 200, 200])
            #expect(slow.responses.first?.body == (try scene.fixture.blob(try scene.thumbnailHash())).map { $0 })
            #expect(slow.responses.count == requests.count && slow.responses[4].body == Array("ok".utf8))
            // The first thumbnail comes from memory (sent again if a late counter reading sent it to
            // the router); what follows the gallery page waits for it, in order.
            var firstFromMemory = false
            for _ in 0..<10 where !firstFromMemory {
                let before = servers.tally.answered
                let fast = try await RawExchange.send(requests.map(\.0).joined(), port: servers.fastPort, heads: requests.map(\.1))
                #expect(fast.responses == slow.responses)
                #expect(fast.closed && slow.closed, "Connection: close ends the connection after its response")
                firstFromMemory = servers.tally.answered > before
            }
            #expect(firstFromMemory)

            // HTTP/1.0, with and without keep-alive, is Hummingbird's; a request sent in two halves is not.
            try await servers.expectSame("GET \(thumb) HTTP/1.0\r\n\r\n", status: 200, fastPathAnswers: false)
            try await servers.expectSame("GET \(thumb) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", status: 200, fastPathAnswers: false)
            let halves = ("GET \(thumb) HTTP/1.1\r\nHo", "st: x\r\nUser-Agent: Halves/1\r\n\r\n")
            let slowHalves = try await RawExchange.send(halves.0, then: halves.1, port: servers.slowPort, heads: [false])
            #expect(slowHalves.responses.first?.status == 200)
            var answered = false
            for _ in 0..<20 where !answered {
                let before = servers.tally.answered
                let fastHalves = try await RawExchange.send(halves.0, then: halves.1, port: servers.fastPort, heads: [false])
                #expect(fastHalves.responses == slowHalves.responses)
                answered = servers.tally.answered > before
            }
            #expect(answered, "a request that came in two halves is answered from memory")
        }
    }

    @Test func aStalledReaderGetsNoMoreThanTheWriteBufferFromTheFastPath() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let preview = "/s/\(link.token)/assets/\(scene.asset.id!)/view/PREVIEW"
        let size = try scene.fixture.blob(try scene.previewHash()).count
        let count = 40
        #expect(size <= ServerConfiguration().smallBlobMaxBytes, "the preview must be small enough to be served from memory")
        try await scene.withBothServers { servers in
            try await servers.warm(preview)
            let blob = try Array(scene.fixture.blob(try scene.previewHash()))
            // The first request of a burst is answered from memory unless a late change-counter
            // reading (a loaded machine) sends it to the router: then the burst is tried again.
            var answeredWhileStalled = 0
            for _ in 0..<5 where answeredWhileStalled == 0 {
                // Until the fast path answers.
                try await servers.expectSame("GET \(preview) HTTP/1.1\r\nHost: x\r\n\r\n", status: 200)
                let before = (servers.tally.answered, servers.tally.passedOn)
                let connection = try RawConnection(port: servers.fastPort, receiveBuffer: 4_096)
                try connection.send(String(repeating: "GET \(preview) HTTP/1.1\r\nHost: x\r\n\r\n", count: count))
                try await Task.sleep(for: .milliseconds(800))
                answeredWhileStalled = servers.tally.answered - before.0
                // Once the connection's buffer is full, the rest wait in Hummingbird's back-pressured queue.
                #expect(answeredWhileStalled * size < 8 << 20, "\(answeredWhileStalled) previews of \(size) bytes answered to a reader that reads nothing")
                #expect(answeredWhileStalled < count)
                let responses = await RawExchange.receive(connection, heads: Array(repeating: false, count: count), timeout: .seconds(60)).responses
                #expect(responses.count == count)
                #expect(responses.allSatisfy { $0.status == 200 && $0.body == blob })
                #expect(servers.tally.answered - before.0 + servers.tally.passedOn - before.1 <= count)
            }
            #expect(answeredWhileStalled >= 1)
        }
    }

    @Test func halfSentRequestsOnTheFastRouteAreCutOffByTheHeaderTimeout() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let configuration = ServerConfiguration(port: 0, headerReadTimeout: .milliseconds(600), idleTimeout: .milliseconds(1_500))
        try await scene.withBothServers(configuration: configuration) { servers in
            try await servers.warm(scene.thumbnailURI(link))
            for port in [servers.fastPort, servers.slowPort] {
                let half = try RawConnection(port: port)
                try half.send("GET \(scene.thumbnailURI(link)) HTTP/1.1\r\nHost: x\r\nUser-")
                let started = ContinuousClock.now
                #expect(await half.waitForCloseOffPool(timeout: .seconds(10)))
                #expect(ContinuousClock.now - started < .seconds(5))
                // After a response from memory the idle timeout still closes the connection.
                let idle = try RawConnection(port: port)
                try idle.send("GET \(scene.thumbnailURI(link)) HTTP/1.1\r\nHost: x\r\n\r\n")
                let read = await idle.readOffPool(upTo: Int.max, timeout: .seconds(10))
                #expect(read.closed)
                #expect(RawExchange.parse(read.bytes, heads: [false])?.first?.status == 200)
            }
        }
    }

    @Test func requestsSplitAtEveryByteAcrossReadsAreAnsweredAsTheRouterAnswersThem() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let thumb = scene.thumbnailURI(link)
        try await scene.withBothServers { servers in
            try await servers.warm(thumb)
            // A view request, a route the fast path leaves to Hummingbird, and the view again.
            let text = "GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Split/1\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Split/1\r\n\r\n"
            let heads = [false, false, true]
            let router = try await RawExchange.send(text, port: servers.slowPort, heads: heads).responses
            #expect(router.map(\.status) == [200, 200, 200])
            let bytes = Array(text.utf8)
            let before = servers.tally.answered
            for split in 1..<bytes.count {
                let connection = try RawConnection(port: servers.fastPort, noDelay: true)
                try connection.send(bytes: Array(bytes[0..<split]))
                try await Task.sleep(for: .milliseconds(5))
                try connection.send(bytes: Array(bytes[split...]))
                let fast = await RawExchange.receive(connection, heads: heads, timeout: .seconds(20), waitForClose: false).responses
                #expect(fast == router, "split after \(split) bytes")
            }
            // Most were answered from memory (a late change-counter reading sends one to the router).
            #expect(servers.tally.answered - before > bytes.count)
        }
    }

    @Test func bodiesOddAndOversizedHeadsAndHTTP10GoToTheDecoderUnchanged() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let thumb = scene.thumbnailURI(link)
        let plain = "GET \(thumb) HTTP/1.1\r\nHost: x\r\n\r\n"
        try await scene.withBothServers { servers in
            try await servers.warm(thumb)
            // A body with Content-Length is passed on with its request; what follows is read as
            // before: pipelined behind it, by Hummingbird; sent once its response is out, from memory.
            let post = "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /"
            let rest: [(String, Bool)] = [(plain, false), (plain, false), ("HEAD \(thumb) HTTP/1.1\r\nHost: x\r\n\r\n", true), (plain, false)]
            try await servers.expectSamePipelined([(post, false)] + rest, fastPathAnswers: false)
            try await servers.expectSamePipelined([(post, false)] + rest, thenAfterAPause: 1)
            // Chunked bodies, oversized heads and garbage hand the connection to the decoder for good.
            try await servers.expectSamePipelined([
                ("POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false), (plain, false),
                (plain, false),
            ], fastPathAnswers: false)
            let big = "GET \(thumb) HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "p", count: 20_000))\r\n\r\n"
            try await servers.expectSame(big, status: 200, fastPathAnswers: false)
            try await servers.expectSamePipelined([(big, false), (plain, false)], fastPathAnswers: false)
            try await servers.expectSamePipelined([("GET / HTTP/1.1\nHost: x\n\n", false), (plain, false)], fastPathAnswers: false)
            try await servers.expectSamePipelined([("\u{16}\u{3}\u{1}\u{0}\u{5}hello\r\n\r\n", false)], fastPathAnswers: false)
            // Keep-alive and the headers a browser sends are answered from memory, as the router answers them.
            try await servers.expectSame("GET \(thumb) HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n", status: 200)
            try await servers.expectSame("GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
                                         + "Accept: image/avif,image/webp,*/*\r\nAccept-Language: en-GB,en;q=0.5\r\n"
                                         + "Accept-Encoding: gzip, deflate, br\r\nReferer: http://x/s/\(link.token)\r\n"
                                         + "Sec-Fetch-Dest: image\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\n"
                                         + "Priority: u=5, i\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n\r\n", status: 200)
            // HTTP/1.0 and Connection: close are Hummingbird's, which ends the connection after them.
            for request in ["GET \(thumb) HTTP/1.0\r\n\r\n", "GET \(thumb) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                            "GET \(thumb) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"] {
                try await servers.expectSamePipelined([(request, false), (plain, false)], fastPathAnswers: false)
            }
        }
    }

    /// A head that breaks the grammar before its end, or that the client cuts off with a
    /// half-close, is refused at once (the header-read deadline is far away), with the router's bytes.
    @Test func aHeadThatBreaksOrIsCutOffIsRefusedAtOnceAsTheRouterRefusesIt() async throws {
        let scene = try FastPathScene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let thumb = scene.thumbnailURI(link)
        try await scene.withBothServers(configuration: ServerConfiguration(port: 0, headerReadTimeout: .seconds(30))) { servers in
            try await servers.warm(thumb)
            let cases: [(String, halfClose: Bool)] = [
                ("GET \(thumb) HTTP/1.1\r\nIf[None-Match: x", false),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\rY", false),
                ("GET \(thumb) HTTQ", false),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\n folded", false),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\nUser-Agent: Cut", true),
                ("GET \(thumb) HTTP/1.1\r\nHost: x\r\n", true),
            ]
            for (text, halfClose) in cases {
                var answers: [RawResponse?] = []
                for port in [servers.slowPort, servers.fastPort] {
                    let connection = try RawConnection(port: port)
                    let started = ContinuousClock.now
                    try connection.send(text)
                    if halfClose { connection.shutdownWrite() }
                    answers.append(await RawExchange.receive(connection, heads: [false], timeout: .seconds(10)).responses.first)
                    #expect(ContinuousClock.now - started < .seconds(8), "\(text.debugDescription) waited")
                }
                #expect(answers[0]?.status == 400, "\(text.debugDescription)")
                #expect(answers[1] == answers[0], "\(text.debugDescription)")
            }
        }
    }

    /// SIGTERM to the real `stockroom serve`: a keep-alive connection the fast path served is
    /// closed, a download under way is finished first, the log rows of both are written, and
    /// the process exits cleanly.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "needs .build/debug/stockroom"))
    func gracefulShutdownFinishesResponsesAndClosesFastPathConnections() async throws {
        let scene = try FastPathScene()
        let large = try scene.fixture.addLargeOriginal(megabytes: 12)
        _ = try scene.fixture.collections.addAssets([large.id!], to: scene.collection, by: .system)
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: scene.collection)), by: .system)
        let server = try await ServeProcess.start(home: scene.fixture.home.root)
        defer { server.stop() }
        let thumb = "GET \(scene.thumbnailURI(link)) HTTP/1.1\r\nHost: x\r\nUser-Agent: Shutdown/1\r\n\r\n"
        let keptAlive = try RawConnection(port: server.port)
        try keptAlive.send(thumb)
        #expect(await RawExchange.receive(keptAlive, heads: [false], timeout: .seconds(20), waitForClose: false).responses.first?.status == 200)
        // The link and blob are in memory now: this one is answered before the decoder.
        try keptAlive.send(thumb)
        #expect(await RawExchange.receive(keptAlive, heads: [false], timeout: .seconds(20), waitForClose: false).responses.first?.status == 200)
        let download = try RawConnection(port: server.port, receiveBuffer: 16_384)
        try download.send("GET /s/\(link.token)/assets/\(large.id!)/download/original HTTP/1.1\r\nHost: x\r\nUser-Agent: Shutdown/1\r\n\r\n")
        let started = await download.readOffPool(upTo: 4_096, timeout: .seconds(20))
        #expect(String(decoding: started.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))

        kill(server.process.processIdentifier, SIGTERM)
        let closed = await keptAlive.readOffPool(upTo: Int.max, timeout: .seconds(20))
        #expect(closed.closed && closed.bytes.isEmpty, "the idle fast-path connection is closed on shutdown")
        let rest = await download.readOffPool(upTo: Int.max, timeout: .seconds(60))
        #expect(rest.closed)
        #expect(started.bytes.count + rest.bytes.count > 12 * 1_048_576, "the download under way is finished before the connection closes")
        for _ in 0..<100 where server.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.process.isRunning && server.process.terminationStatus == 0)
        let rows = try scene.fixture.home.catalog.shareAccessLog(linkId: link.id!).filter { $0.userAgent == "Shutdown/1" }
        #expect(rows.filter { $0.renditionType == "THUMBNAIL_MEDIUM" && $0.ipAddress == "127.0.0.1" }.count == 2)
        #expect(rows.filter { $0.event == .download }.count == 1)
    }
}

/// A data home with one collection of one image (thumbnail, preview and watermarked proof).
struct FastPathScene {
    let fixture: ShareFixture
    let asset: Asset
    let collection: String

    init() throws {
        fixture = try ShareFixture()
        asset = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour", extra: [(.watermarked, 1200)])
        let made = try fixture.collections.createCollection(name: "Fast", by: .system)
        _ = try fixture.collections.addAssets([asset.id!], to: made.slug, by: .system)
        collection = made.slug
    }

    func thumbnailURI(_ link: ShareLink) -> String { "/s/\(link.token)/assets/\(asset.id!)/view/THUMBNAIL_MEDIUM" }

    func thumbnailHash() throws -> String { try hash(of: .thumbnailMedium) }
    func previewHash() throws -> String { try hash(of: .preview) }

    private func hash(of type: RenditionType) throws -> String {
        try #require(try fixture.home.catalog.renditions(assetId: asset.id!).first { $0.renditionType == type }?.blobHash)
    }

    /// Runs a server with the fast path and one without on the same home.
    func withBothServers(configuration: ServerConfiguration = ServerConfiguration(port: 0, wrongPasswordDelay: .milliseconds(20)),
                         _ body: @Sendable (TwoServers) async throws -> Void) async throws {
        let tally = ShareFastPathTally()
        var fastConfiguration = configuration
        fastConfiguration.shareFastPathTally = tally
        var slowConfiguration = configuration
        slowConfiguration.shareFastPath = false
        let fastApp = try buildApplication(home: fixture.home, configuration: fastConfiguration)
        let slowApp = try buildApplication(home: fixture.home, configuration: slowConfiguration)
        try await fastApp.test(.ahc(.http)) { fast in
            try await slowApp.test(.ahc(.http)) { slow in
                try await body(TwoServers(fast: fast, slow: slow, fastPort: try #require(fast.port), slowPort: try #require(slow.port),
                                          tally: tally))
            }
        }
    }
}

struct TwoServers: Sendable {
    let fast: any TestClientProtocol
    let slow: any TestClientProtocol
    let fastPort: Int
    let slowPort: Int
    let tally: ShareFastPathTally

    /// One request to each server, so the link is resolved and the blob read and verified.
    func warm(_ uri: String) async throws {
        try await warm(withCookie: "GET \(uri) HTTP/1.1\r\nHost: x\r\nUser-Agent: Warm/1\r\n\r\n")
    }

    func warm(withCookie request: String) async throws {
        for port in [fastPort, slowPort] { _ = try await RawExchange.send(request, port: port, heads: [false]) }
    }

    /// Sends `request` to the router, then to the fast server until the fast path answers it (as
    /// `expectSame` does), all before `deadline`; nil when the deadline passed first, so the answers
    /// may straddle it. Records nothing: the caller compares.
    func exchange(_ request: String, until deadline: Date) async throws
        -> (router: RawResponse, fast: RawResponse, answeredFromMemory: Bool)? {
        let router = try #require(try await RawExchange.send(request, port: slowPort, heads: [false]).responses.first)
        var attempts = 0
        while true {
            attempts += 1
            let answered = tally.answered
            let fast = try #require(try await RawExchange.send(request, port: fastPort, heads: [false]).responses.first)
            guard Date() < deadline else { return nil }
            let fromMemory = tally.answered > answered
            if fromMemory || router != fast || attempts == 20 { return (router, fast, fromMemory) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `request` to both servers on fresh connections and expects the same status line,
    /// headers (a `Date` on both) and body; `fastPathAnswers` says whether the fast path answers it.
    /// The fast path answers only while the change counter is known current (read every 25 ms,
    /// valid 100 ms); on a loaded machine a reading can come late, and the router answers instead
    /// (the same bytes, checked too), so a request it should answer is sent again, up to 20 times.
    /// Returns how many times it was sent to the fast server.
    @discardableResult
    func expectSame(_ request: String, status: Int, head: Bool = false, body: Data? = nil, fastPathAnswers: Bool = true,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        let line = request.prefix { $0 != "\r" }
        let slowResult = try await RawExchange.send(request, port: slowPort, heads: [head])
        let slowResponse = try #require(slowResult.responses.first, "no response from the router to \(line)", sourceLocation: sourceLocation)
        #expect(slowResponse.status == status, "\(line)", sourceLocation: sourceLocation)
        #expect(slowResponse.hasDate, "\(line)", sourceLocation: sourceLocation)
        if let body { #expect(slowResponse.body == Array(body), "\(line)", sourceLocation: sourceLocation) }
        if head { #expect(slowResponse.body.isEmpty, sourceLocation: sourceLocation) }
        var attempts = 0
        var answeredByFastPath = false
        repeat {
            attempts += 1
            let answered = tally.answered
            let fastResult = try await RawExchange.send(request, port: fastPort, heads: [head])
            let fastResponse = try #require(fastResult.responses.first, "no response from the fast server to \(line)",
                                            sourceLocation: sourceLocation)
            #expect(fastResponse == slowResponse, "\(line)", sourceLocation: sourceLocation)
            #expect(fastResponse.hasDate, "\(line)", sourceLocation: sourceLocation)
            answeredByFastPath = tally.answered > answered
            if answeredByFastPath != fastPathAnswers, fastPathAnswers, attempts < 20 { try await Task.sleep(for: .milliseconds(20)) }
        } while fastPathAnswers && !answeredByFastPath && attempts < 20
        #expect(answeredByFastPath == fastPathAnswers, "fast path answered? \(line)", sourceLocation: sourceLocation)
        return attempts
    }

    /// Sends the requests pipelined on one connection to each server and expects the same
    /// responses, in order, and the same closing; `fastPathAnswers`: whether the fast path answers
    /// at least one of them (sent again, as `expectSame` does, while a late counter reading says no).
    /// `thenAfterAPause`: the requests from that index on are sent after a pause (300 ms).
    func expectSamePipelined(_ requests: [(String, Bool)], thenAfterAPause split: Int? = nil, fastPathAnswers: Bool = true,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let cut = split ?? requests.count
        let text = requests[..<cut].map(\.0).joined()
        let later = cut < requests.count ? requests[cut...].map(\.0).joined() : nil
        let heads = requests.map(\.1)
        let line = requests.first.map { $0.0.prefix { $0 != "\r" && $0 != "\n" } } ?? ""
        let router = try await RawExchange.send(text, then: later, port: slowPort, heads: heads)
        var attempts = 0
        var answered = false
        repeat {
            attempts += 1
            let before = tally.answered
            let fast = try await RawExchange.send(text, then: later, port: fastPort, heads: heads)
            #expect(fast.responses == router.responses, "\(line)", sourceLocation: sourceLocation)
            #expect(fast.closed == router.closed, "closed? \(line)", sourceLocation: sourceLocation)
            answered = tally.answered > before
            if fastPathAnswers, !answered { try await Task.sleep(for: .milliseconds(20)) }
        } while fastPathAnswers && !answered && attempts < 20
        #expect(answered == fastPathAnswers, "fast path answered? \(line)", sourceLocation: sourceLocation)
    }
}

/// A response as it came over the wire: status line, header lines but `Date` (in order), body.
struct RawResponse: Equatable {
    var statusLine: String
    var headerLines: [String]
    var hasDate: Bool
    var body: [UInt8]

    var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
}

enum RawExchange {
    /// Sends the bytes on a new connection and reads until `heads.count` responses arrived (a
    /// `true` is the answer to a HEAD: no body) or the connection closed.
    static func send(_ text: String, then rest: String? = nil, port: Int, heads: [Bool],
                     timeout: Duration = .seconds(20)) async throws -> (responses: [RawResponse], closed: Bool) {
        let connection = try RawConnection(port: port)
        try connection.send(text)
        if let rest {
            try await Task.sleep(for: .milliseconds(300))
            try connection.send(rest)
        }
        return await receive(connection, heads: heads, timeout: timeout)
    }

    /// Reads until `heads.count` responses arrived or the connection closed, on a thread of its own.
    static func receive(_ connection: RawConnection, heads: [Bool], timeout: Duration,
                        waitForClose: Bool = true) async -> (responses: [RawResponse], closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                var closed = false
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    if let parsed = parse(bytes, heads: heads) {
                        // A moment more, to see whether the server closes the connection.
                        closed = waitForClose && connection.read(upTo: 1, timeout: .milliseconds(100)).closed
                        return continuation.resume(returning: (parsed, closed))
                    }
                    let part = connection.read(upTo: 1 << 20, timeout: .milliseconds(50))
                    bytes += part.bytes
                    if part.closed {
                        closed = true
                        break
                    }
                }
                continuation.resume(returning: (parse(bytes, heads: heads, partial: true) ?? [], closed))
            }
        }
    }

    /// The responses in `bytes`, or nil until all of them are complete (`partial`: those that are).
    static func parse(_ bytes: [UInt8], heads: [Bool], partial: Bool = false) -> [RawResponse]? {
        var responses: [RawResponse] = []
        var offset = 0
        for head in heads {
            let rest = Array(bytes[offset...])
            guard let end = rest.firstIndex(of: Array("\r\n\r\n".utf8)) else { return partial ? responses : nil }
            let lines = String(decoding: rest[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let fields = lines.dropFirst()
            let length = fields.first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyLength = head ? 0 : length
            guard rest.count >= end + 4 + bodyLength else { return partial ? responses : nil }
            responses.append(RawResponse(statusLine: lines[0], headerLines: fields.filter { !$0.lowercased().hasPrefix("date:") },
                                         hasDate: fields.contains { $0.lowercased().hasPrefix("date: ") && $0.hasSuffix(" GMT") },
                                         body: Array(rest[(end + 4)..<(end + 4 + bodyLength)])))
            offset += end + 4 + bodyLength
        }
        return responses
    }
}

final class Counter: @unchecked Sendable {
    var value = 0
}

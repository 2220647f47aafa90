import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing

/// The client review routes over loopback: comments, decisions, selections, and every refusal.
@Suite("Client review routes over loopback HTTP")
struct ClientReviewHTTPTests {
    /// Two photos and a 20 s "video" (a photo whose row says video) in `picks`, one photo in `other`.
    struct Scene {
        let fixture: ShareFixture
        let photo: Asset
        let second: Asset
        let video: Asset
        let outsider: Asset

        init() throws {
            fixture = try ShareFixture()
            photo = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour at dawn")
            second = try fixture.addImage("iptc.jpg", name: "Portrait")
            var video = try fixture.addImage("cmyk.jpg", name: "Teaser")
            try fixture.home.sqliteCatalog!.database.writer.write { db in
                try db.execute(sql: "UPDATE asset SET assetType = 'VIDEO_EDITED', durationSeconds = 20 WHERE id = ?", arguments: [video.id!])
            }
            video = try fixture.home.sqliteCatalog!.asset(id: video.id!)!
            self.video = video
            outsider = try fixture.addImage("exif-gps.jpg", name: "Private")
            _ = try fixture.collections.createCollection(name: "Picks", by: .system)
            _ = try fixture.collections.addAssets([photo.id!, second.id!, video.id!], to: "picks", by: .system)
            _ = try fixture.collections.createCollection(name: "Other", by: .system)
            _ = try fixture.collections.addAssets([outsider.id!], to: "other", by: .system)
        }

        func link(_ access: ShareAccessLevel, collection: String = "picks", password: String? = nil, expires: Date? = nil) throws -> ShareLink {
            try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection), expiresAt: expires, password: password,
                                                        accessLevel: access), by: .system)
        }
    }

    static let jsonBody: HTTPFields = [.contentType: "application/json", .accept: "application/json"]

    static func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    static func error(_ response: TestResponse) throws -> [String: String] {
        (try response.json()["error"] as? [String: String]) ?? [:]
    }

    @Test func commentsAreValidatedStoredAndThreaded() async throws {
        let scene = try Scene()
        let link = try scene.link(.comment)
        let base = "/s/\(link.token)/assets/\(scene.photo.id!)"
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let posted = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody, body: try Self.body([
                "content": "Crop tighter", "authorName": "Ana", "annotation": ["type": "point", "x": 0.25, "y": 0.4],
            ]))
            #expect(posted.status == .created)
            let comment = try posted.json()
            #expect(comment["authorName"] as? String == "Ana")
            #expect(comment["authorType"] as? String == "client")
            #expect(comment["content"] as? String == "Crop tighter")
            #expect((comment["annotation"] as? [String: Any])?["type"] as? String == "point")
            #expect(comment["shareLinkId"] == nil && comment["authorId"] == nil)
            let id = try #require((comment["id"] as? NSNumber)?.int64Value)

            let rect = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody, body: try Self.body([
                "content": "This area", "authorName": "Ana", "annotation": ["type": "rect", "x": 0.1, "y": 0.2, "width": 0.5, "height": 0.3],
            ]))
            #expect(rect.status == .created)
            let reply = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody,
                                                 body: try Self.body(["content": "Agreed", "authorName": "Ben", "parentId": id]))
            #expect(reply.status == .created)

            let threads = try await client.execute(uri: "\(base)/comments", method: .get, headers: acceptJSON).jsonArray()
            #expect(threads.count == 2)
            #expect((threads.first?["replies"] as? [[String: Any]])?.first?["content"] as? String == "Agreed")

            // Each rule of the body, with the field it names.
            let refused: [([String: Any], String)] = [
                (["authorName": "Ana"], "content is required"),
                (["content": "  ", "authorName": "Ana"], "content"),
                (["content": String(repeating: "x", count: 5_001), "authorName": "Ana"], "at most 5000"),
                (["content": "hi"], "authorName"),
                (["content": "hi", "authorName": String(repeating: "n", count: 81)], "authorName"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "point", "x": 1.2, "y": 0.5]], "fractions"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "point", "x": -0.01, "y": 0.5]], "fractions"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "rect", "x": 0.6, "y": 0.1, "width": 0.5, "height": 0.2]], "within"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "timestamp", "time": 3]], "video or audio"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "circle", "x": 0.5]], "annotation"),
                (["content": "hi", "authorName": "Ana", "annotation": ["type": "point", "x": "left", "y": 0.5]], "annotation.x must be a number"),
                (["content": "hi", "authorName": "Ana", "parentId": 999_999], "parentId"),
                (["content": 12, "authorName": "Ana"], "content must be a string"),
            ]
            for (body, words) in refused {
                let response = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody, body: try Self.body(body))
                #expect(response.status == .badRequest, "\(body)")
                let message = try Self.error(response)["message"] ?? ""
                #expect(message.contains(words), "\(words): \(message)")
            }
            // Timestamps on the video are checked against its 20 s.
            let videoBase = "/s/\(link.token)/assets/\(scene.video.id!)"
            let atTime = try await client.execute(uri: "\(videoBase)/comments", method: .post, headers: Self.jsonBody, body: try Self.body([
                "content": "Cut", "authorName": "Ana", "annotation": ["type": "timestamp", "time": 12.5],
            ]))
            #expect(atTime.status == .created)
            let late = try await client.execute(uri: "\(videoBase)/comments", method: .post, headers: Self.jsonBody, body: try Self.body([
                "content": "Cut", "authorName": "Ana", "annotation": ["type": "timestamp", "time": 20.5],
            ]))
            #expect(late.status == .badRequest)
            #expect(try Self.error(late)["message"]?.contains("past the end") == true)
            // A reply must stay on its asset.
            let crossed = try await client.execute(uri: "\(videoBase)/comments", method: .post, headers: Self.jsonBody,
                                                   body: try Self.body(["content": "x", "authorName": "Ana", "parentId": id]))
            #expect(crossed.status == .badRequest)

            // Only JSON bodies, and small ones.
            let form = try await client.execute(uri: "\(base)/comments", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"],
                                                body: ByteBuffer(string: "content=hi&authorName=Ana"))
            #expect(form.status == .unsupportedMediaType)
            let plain = try await client.execute(uri: "\(base)/comments", method: .post, headers: [.contentType: "text/plain"],
                                                 body: ByteBuffer(string: "{\"content\":\"hi\",\"authorName\":\"Ana\"}"))
            #expect(plain.status == .unsupportedMediaType)
            // The review routes answer errors as JSON even to a client that asks for nothing.
            #expect(try Self.error(plain)["code"] != nil)
            let unasked = try await client.execute(uri: "\(base)/comments", method: .post, headers: [.contentType: "application/json"],
                                                   body: try Self.body(["content": "hi", "authorName": "Ana", "annotation": ["type": "timestamp", "time": 1]]))
            #expect(unasked.status == .badRequest)
            #expect(unasked.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try Self.error(unasked)["message"]?.contains("video or audio") == true)
            let huge = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody,
                                                body: try Self.body(["content": String(repeating: "x", count: 20_000), "authorName": "Ana"]))
            #expect(huge.status == .contentTooLarge)
            let broken = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody, body: ByteBuffer(string: "{not json"))
            #expect(broken.status == .badRequest)
            #expect(try Self.error(broken)["code"] == "invalid_body")

            // The catalog has exactly the accepted comments, each logged with the client as actor.
            let stored = try scene.fixture.home.sqliteCatalog!.comments(assetId: scene.photo.id!)
            #expect(stored.map(\.content) == ["Crop tighter", "This area", "Agreed"])
            #expect(stored.allSatisfy { $0.authorType == "client" && $0.shareLinkId == link.id })
            #expect(stored[0].annotation == .point(x: 0.25, y: 0.4))
        }
    }

    @Test func viewAndDownloadLinksGetNoReviewRoute() async throws {
        let scene = try Scene()
        let links = [try scene.link(.view), try scene.link(.download)]
        let comment = try scene.link(.comment)
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            for link in links {
                for assetId in [scene.photo.id!, scene.outsider.id!, 999_999] {
                    let base = "/s/\(link.token)/assets/\(assetId)"
                    let requests: [(String, HTTPRequest.Method, HTTPFields, ByteBuffer?)] = [
                        ("\(base)/comments", .get, acceptJSON, nil),
                        ("\(base)/comments", .post, Self.jsonBody, try Self.body(["content": "hi", "authorName": "Ana"])),
                        ("\(base)/comments", .post, [.contentType: "text/plain", .accept: "application/json"], ByteBuffer(string: "junk")),
                        ("\(base)/comments", .post, Self.jsonBody, ByteBuffer(string: String(repeating: "x", count: 40_000))),
                        ("\(base)/review", .put, Self.jsonBody, try Self.body(["decision": "approved", "authorName": "Ana"])),
                        ("\(base)/review", .put, Self.jsonBody, ByteBuffer(string: "{}")),
                        ("\(base)/selection", .put, Self.jsonBody, try Self.body(["selected": true, "authorName": "Ana"])),
                    ]
                    for (uri, method, headers, body) in requests {
                        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
                        #expect(response.status == .forbidden, "\(link.accessLevel) \(method) \(uri)")
                        #expect(try Self.error(response)["code"] == "forbidden")
                    }
                }
            }
            // A COMMENT link reviews but does not pick.
            let pick = try await client.execute(uri: "/s/\(comment.token)/assets/\(scene.photo.id!)/selection", method: .put, headers: Self.jsonBody,
                                                body: try Self.body(["selected": true, "authorName": "Ana"]))
            #expect(pick.status == .forbidden)
            // The pages of VIEW and DOWNLOAD links run no script and offer no form.
            for link in links {
                let page = try await client.execute(uri: "/s/\(link.token)/assets/\(scene.photo.id!)", method: .get)
                #expect(page.status == .ok)
                #expect(!page.text.contains("<script"))
                #expect(!page.text.contains("comment-form"))
                #expect(page.headers[.contentSecurityPolicy]?.contains("script-src") == false)
            }
        }
        #expect(try scene.fixture.home.sqliteCatalog!.comments(assetId: scene.photo.id!).isEmpty)
    }

    @Test func closedLinksPasswordsAndForeignAssetsAreRefused() async throws {
        let scene = try Scene()
        let revoked = try scene.link(.comment)
        _ = try scene.fixture.shares.revoke(token: revoked.token, by: .system)
        let expired = try scene.link(.comment, expires: Date().addingTimeInterval(3_600))
        try await scene.fixture.home.sqliteCatalog!.database.writer.write { db in
            try db.execute(sql: "UPDATE share_link SET expiresAt = ? WHERE id = ?", arguments: [Date().addingTimeInterval(-60), expired.id])
        }
        let protected = try scene.link(.comment, password: "hunter2")
        let open = try scene.link(.edit)
        let comment = try Self.body(["content": "hi", "authorName": "Ana"])
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let paths = ["comments", "review", "selection"]
            for (link, status) in [(revoked, HTTPResponse.Status.notFound), (expired, .gone)] {
                for path in paths {
                    let response = try await client.execute(uri: "/s/\(link.token)/assets/\(scene.photo.id!)/\(path)",
                                                            method: path == "comments" ? .post : .put, headers: Self.jsonBody, body: comment)
                    #expect(response.status == status, "\(path)")
                }
            }
            // Another collection's asset, an unknown one, and a non-number are all 404 through the link.
            for assetId in [String(scene.outsider.id!), "999999", "abc", "-1"] {
                for path in paths {
                    let response = try await client.execute(uri: "/s/\(open.token)/assets/\(assetId)/\(path)",
                                                            method: path == "comments" ? .post : .put, headers: Self.jsonBody,
                                                            body: try Self.body(["content": "hi", "authorName": "Ana", "decision": "approved", "selected": true]))
                    #expect(response.status == .notFound, "\(assetId) \(path)")
                }
                let list = try await client.execute(uri: "/s/\(open.token)/assets/\(assetId)/comments", method: .get, headers: acceptJSON)
                #expect(list.status == .notFound)
            }
            // A password link needs its session cookie for every review route.
            let base = "/s/\(protected.token)/assets/\(scene.photo.id!)"
            #expect(try await client.execute(uri: "\(base)/comments", method: .get, headers: acceptJSON).status == .unauthorized)
            #expect(try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody, body: comment).status == .unauthorized)
            #expect(try await client.execute(uri: "\(base)/review", method: .put, headers: Self.jsonBody,
                                             body: try Self.body(["decision": "approved", "authorName": "Ana"])).status == .unauthorized)
            let login = try await client.execute(uri: "/s/\(protected.token)/password", method: .post, headers: Self.jsonBody,
                                                 body: try Self.body(["password": "hunter2"]))
            #expect(login.status == .noContent)
            let cookie = try #require(cookiePair(login.headers[.setCookie]))
            var withCookie = Self.jsonBody
            withCookie[.cookie] = cookie
            #expect(try await client.execute(uri: "\(base)/comments", method: .post, headers: withCookie, body: comment).status == .created)
            // A cookie of another link does not open this one.
            var foreign = Self.jsonBody
            foreign[.cookie] = cookie
            let other = try scene.link(.comment, password: "other-secret")
            #expect(try await client.execute(uri: "/s/\(other.token)/assets/\(scene.photo.id!)/comments", method: .post, headers: foreign,
                                             body: comment).status == .unauthorized)
        }
    }

    @Test func decisionsShowAsBadgesASummaryAndAFilter() async throws {
        let scene = try Scene()
        let link = try scene.link(.comment)
        let gallery = "/s/\(link.token)"
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let approve = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/review", method: .put, headers: Self.jsonBody,
                                                   body: try Self.body(["decision": "approve", "note": "Hero image", "authorName": "Ana"]))
            #expect(approve.status == .ok)
            let answer = try approve.json()
            let review = answer["review"] as? [String: Any] ?? [:]
            #expect(review["decision"] as? String == "APPROVED")
            #expect(review["note"] as? String == "Hero image")
            #expect(review["authorName"] as? String == "Ana")
            #expect((answer["summary"] as? [String: Any])?["approved"] as? Int == 1)
            let reject = try await client.execute(uri: "\(gallery)/assets/\(scene.second.id!)/review", method: .put, headers: Self.jsonBody,
                                                  body: try Self.body(["decision": "REJECTED", "authorName": "Ben"]))
            #expect(try reject.json()["summary"] as? [String: Int] == ["approved": 1, "rejected": 1, "open": 1])

            let json = try await client.execute(uri: gallery, method: .get, headers: acceptJSON).json()
            #expect(json["reviewSummary"] as? [String: Int] == ["approved": 1, "rejected": 1, "open": 1])
            let assets = json["assets"] as? [[String: Any]] ?? []
            #expect(assets.compactMap { ($0["review"] as? [String: Any])?["decision"] as? String } == ["APPROVED", "REJECTED", "OPEN"])
            #expect(assets.first?["commentsUrl"] as? String == "\(gallery)/assets/\(scene.photo.id!)/comments")

            let page = try await client.execute(uri: gallery, method: .get)
            #expect(page.text.contains("1 approved, 1 rejected, 1 open"))
            #expect(page.text.contains("data-decision=\"APPROVED\">Approved</span>"))
            #expect(page.text.contains("href=\"?review=rejected\""))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.text.contains("<script src=\"/static/gallery.js\" defer></script>"))

            let onlyApproved = try await client.execute(uri: "\(gallery)?review=approved", method: .get, headers: acceptJSON).json()
            #expect((onlyApproved["assets"] as? [[String: Any]])?.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [scene.photo.id!])
            #expect(onlyApproved["assetCount"] as? Int == 3)
            let openOnes = try await client.execute(uri: "\(gallery)?review=open", method: .get)
            #expect(openOnes.text.components(separatedBy: "class=\"tile\"").count - 1 == 1)
            #expect(openOnes.text.contains("Teaser"))
            #expect(try await client.execute(uri: "\(gallery)?review=maybe", method: .get, headers: acceptJSON).status == .badRequest)

            // The asset page shows the decision with its note.
            let detail = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)", method: .get)
            #expect(detail.text.contains("id=\"decision-badge\" class=\"decision approved\""))
            #expect(detail.text.contains("Hero image"))

            // Clearing reopens it; bad decisions and notes are 400s.
            let clear = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/review", method: .put, headers: Self.jsonBody,
                                                 body: try Self.body(["decision": "clear", "authorName": "Ana"]))
            #expect((try clear.json()["review"] as? [String: Any])?["decision"] as? String == "OPEN")
            for body: [String: Any] in [["decision": "maybe", "authorName": "Ana"], ["authorName": "Ana"], ["decision": "approved"],
                                        ["decision": "approved", "authorName": "Ana", "note": String(repeating: "n", count: 2_001)]] {
                let response = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/review", method: .put, headers: Self.jsonBody,
                                                        body: try Self.body(body))
                #expect(response.status == .badRequest, "\(body)")
            }
        }
        let decided = try await scene.fixture.home.sqliteCatalog!.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT json_extract(metadata, '$.decision') FROM activity WHERE action = 'review.decided' ORDER BY id")
        }
        #expect(decided == ["APPROVED", "REJECTED", "OPEN"])
    }

    @Test func hostileTextIsEscapedInPagesAndInJSON() async throws {
        let scene = try Scene()
        let link = try scene.link(.comment)
        let base = "/s/\(link.token)/assets/\(scene.photo.id!)"
        let script = "<script>alert('x')</script>"
        let attribute = "\"><img src=x onerror=alert(1)>"
        let name = "Eve\" onmouseover=\"alert(2)"
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            for content in [script, attribute, "&amp; already \u{2028} separated"] {
                let posted = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody,
                                                      body: try Self.body(["content": content, "authorName": name]))
                #expect(posted.status == .created)
                #expect(!posted.text.contains("<"), "raw < in \(posted.text)")
                #expect(try posted.json()["content"] as? String == content)
            }
            _ = try await client.execute(uri: "\(base)/review", method: .put, headers: Self.jsonBody,
                                         body: try Self.body(["decision": "rejected", "note": attribute, "authorName": name]))

            let list = try await client.execute(uri: "\(base)/comments", method: .get, headers: acceptJSON)
            #expect(list.headers[.contentType] == "application/json; charset=utf-8")
            #expect(list.headers[.xContentTypeOptions] == "nosniff")
            #expect(!list.text.contains("<script") && !list.text.contains("<img") && !list.text.contains("\u{2028}"))
            #expect(list.text.contains("\\u003cscript\\u003e"))
            let decoded = try list.jsonArray().compactMap { $0["content"] as? String }
            #expect(decoded == [script, attribute, "&amp; already \u{2028} separated"])
            #expect(try list.jsonArray().first?["authorName"] as? String == name)

            let page = try await client.execute(uri: base, method: .get)
            let html = page.text
            #expect(!html.contains(script))
            #expect(!html.contains("<img src=x"))
            #expect(!html.contains("onmouseover=\"alert"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
            #expect(html.contains("Eve&quot; onmouseover=&quot;alert(2)"))
            #expect(html.contains("&amp;amp; already"))
            // Exactly one script on the page: the gallery's own.
            #expect(html.components(separatedBy: "<script").count - 1 == 1)

            let gallery = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON)
            #expect(!gallery.text.contains("<img"))
            let asset = (try gallery.json()["assets"] as? [[String: Any]])?.first
            #expect((asset?["review"] as? [String: Any])?["note"] as? String == attribute)
        }
    }

    @Test func editLinksPickASelectionStaffSeeAsALightbox() async throws {
        let scene = try Scene()
        let link = try scene.fixture.shares.createShare(ShareRequest(target: .collection(slug: "picks"), recipientEmail: "ana@example.com",
                                                                     accessLevel: .edit), by: .system)
        let gallery = "/s/\(link.token)"
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            for asset in [scene.photo, scene.video] {
                let picked = try await client.execute(uri: "\(gallery)/assets/\(asset.id!)/selection", method: .put, headers: Self.jsonBody,
                                                      body: try Self.body(["selected": true, "authorName": "Ana"]))
                #expect(picked.status == .ok)
                #expect(try picked.json()["selected"] as? Bool == true)
            }
            let unpicked = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/selection", method: .put, headers: Self.jsonBody,
                                                    body: try Self.body(["selected": false, "authorName": "Ana"]))
            #expect(try unpicked.json()["selectedCount"] as? Int == 1)
            let json = try await client.execute(uri: gallery, method: .get, headers: acceptJSON).json()
            #expect(json["selectedCount"] as? Int == 1)
            #expect((json["assets"] as? [[String: Any]])?.compactMap { $0["selected"] as? Bool } == [false, false, true])
            let page = try await client.execute(uri: gallery, method: .get)
            #expect(page.text.contains("aria-pressed=\"true\">Selected</button>"))
            // EDIT links also comment and decide.
            let decided = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/review", method: .put, headers: Self.jsonBody,
                                                   body: try Self.body(["decision": "approved", "authorName": "Ana"]))
            #expect(decided.status == .ok)
            let bad = try await client.execute(uri: "\(gallery)/assets/\(scene.photo.id!)/selection", method: .put, headers: Self.jsonBody,
                                               body: try Self.body(["selected": "yes", "authorName": "Ana"]))
            #expect(bad.status == .badRequest)
        }
        let lightboxes = try scene.fixture.collections.allCollections().filter { $0.collection.collectionType == .lightbox }
        #expect(lightboxes.count == 1)
        #expect(lightboxes.first?.collection.name == "Selection: Picks (ana@example.com)")
        #expect(lightboxes.first?.assetCount == 1)
    }

    @Test func clientWritesAreRateLimitedPerAddress() async throws {
        let scene = try Scene()
        let link = try scene.link(.comment)
        var configuration = ServerConfiguration(port: 0, wrongPasswordDelay: .milliseconds(20))
        configuration.clientWriteLimits = [.comment: .init(perAddress: 2, perLink: 100), .review: .init(perAddress: 1, perLink: 100)]
        let base = "/s/\(link.token)/assets/\(scene.photo.id!)"
        try await withLiveServer(scene.fixture, configuration: configuration) { (client: any TestClientProtocol) async throws -> Void in
            for expected in [HTTPResponse.Status.created, .created, .tooManyRequests] {
                let response = try await client.execute(uri: "\(base)/comments", method: .post, headers: Self.jsonBody,
                                                        body: try Self.body(["content": "again", "authorName": "Ana"]))
                #expect(response.status == expected)
                if expected == .tooManyRequests {
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                    #expect(try Self.error(response)["code"] == "rate_limited")
                }
            }
            #expect(try await client.execute(uri: "\(base)/review", method: .put, headers: Self.jsonBody,
                                             body: try Self.body(["decision": "approved", "authorName": "Ana"])).status == .ok)
            #expect(try await client.execute(uri: "\(base)/review", method: .put, headers: Self.jsonBody,
                                             body: try Self.body(["decision": "rejected", "authorName": "Ana"])).status == .tooManyRequests)
        }
        #expect(try scene.fixture.home.sqliteCatalog!.comments(assetId: scene.photo.id!).count == 2)
    }

    @Test func theRootAnswersWithAStatusPageAndTheScriptIsServed() async throws {
        let scene = try Scene()
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("Stockroom"))
            #expect(page.text.contains("Version \(StockroomVersion.current)"))
            #expect(page.text.contains("4 assets in the catalog"))
            #expect(page.text.contains("Docs/http.md"))
            let json = try await client.execute(uri: "/", method: .get, headers: acceptJSON).json()
            #expect(json["name"] as? String == "Stockroom")
            #expect(json["assetCount"] as? Int == 4)
            #expect(json["version"] as? String == StockroomVersion.current)

            let script = try await client.execute(uri: "/static/gallery.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("localStorage"))
            #expect(!script.text.contains("innerHTML"))
            let etag = try #require(script.headers[.eTag])
            #expect(try await client.execute(uri: "/static/gallery.js", method: .get, headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }

    @Test func theAdminAPIReadsTheActivityLogAndLogsItsChanges() async throws {
        let scene = try Scene()
        let link = try scene.link(.comment)
        let (_, key) = try APIKeyService(keys: scene.fixture.home.sqliteCatalog!).createKey(name: "ci-publisher")
        let auth: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            _ = try await client.execute(uri: "/s/\(link.token)/assets/\(scene.photo.id!)/comments", method: .post, headers: Self.jsonBody,
                                         body: try Self.body(["content": "From the client", "authorName": "Ana"]))
            let patch = try await client.execute(uri: "/api/v1/assets/\(scene.second.id!)", method: .patch, headers: auth,
                                                 body: try Self.body(["status": "APPROVED", "description": "Picked"]))
            #expect(patch.status == .ok)
            // Staff comments are held to the same rules: no timestamp on a photo.
            let timed = try await client.execute(uri: "/api/v1/assets/\(scene.photo.id!)/comments", method: .post, headers: auth,
                                                 body: try Self.body(["content": "hm", "annotation": ["type": "timestamp", "time": 1]]))
            #expect(timed.status == .badRequest)

            let page = try await client.execute(uri: "/api/v1/activity?limit=5", method: .get, headers: auth).json()
            let items = page["items"] as? [[String: Any]] ?? []
            #expect(items.count == 5)
            #expect(items.first?["action"] as? String == "asset.updated")
            #expect(items.first?["actorType"] as? String == "api_key")
            #expect(items.first?["actorName"] as? String == "ci-publisher")
            #expect((page["total"] as? Int ?? 0) > 5)
            let byShare = try await client.execute(uri: "/api/v1/activity?entity=share:\(link.token)", method: .get, headers: auth).json()
            #expect((byShare["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["comment.created", "share.created"])
            let byActor = try await client.execute(uri: "/api/v1/activity?actor=ana&since=1h", method: .get, headers: auth).json()
            #expect((byActor["items"] as? [[String: Any]])?.compactMap { $0["actorType"] as? String } == ["client"])
            for query in ["since=soon", "entity=asset:x", "limit=0", "limit=1001", "entity=share:nope"] {
                let response = try await client.execute(uri: "/api/v1/activity?\(query)", method: .get, headers: auth)
                #expect(response.status == .badRequest || response.status == .notFound, "\(query)")
            }
            #expect(try await client.execute(uri: "/api/v1/activity", method: .get).status == .unauthorized)
        }
    }
}

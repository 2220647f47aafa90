import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing
import ZIPFoundation

@Suite("Share-link gallery over loopback HTTP")
struct GalleryHTTPTests {
    /// A collection of three shareable photos, plus one photo outside it and two members that
    /// must be withheld (archived; license expired).
    struct Scene {
        let fixture: ShareFixture
        let shared: [Asset]
        let outsider: Asset
        let archived: Asset
        let licenseExpired: Asset
        let collection: AssetCollection

        init() throws {
            fixture = try ShareFixture()
            shared = [
                try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour at dawn", originalFilename: "harbour.jpg"),
                try fixture.addImage("iptc.jpg", name: "Studio <portrait> & co", originalFilename: "portrait.jpg"),
                try fixture.addImage("cmyk.jpg", name: "Print proof", originalFilename: "harbour.jpg"),
            ]
            outsider = try fixture.addImage("exif-gps.jpg", name: "Private scouting shot")
            archived = try fixture.addImage("flower.webp", name: "Archived flower", status: .archived)
            licenseExpired = try fixture.addImage("sample.png", name: "Expired licence", expiresAt: Date().addingTimeInterval(-86_400))
            collection = try fixture.collections.createCollection(name: "Spring Campaign", description: "Selects for the spring launch", by: .system)
            _ = try fixture.collections.addAssets(shared.map { $0.id! } + [archived.id!, licenseExpired.id!], to: collection.slug, by: .system)
        }

        func share(_ configure: (inout ShareRequest) -> Void = { _ in }, now: Date = Date()) throws -> ShareLink {
            var request = ShareRequest(target: .collection(slug: collection.slug))
            configure(&request)
            return try fixture.shares.createShare(request, by: .system, now: now)
        }
    }

    @Test func galleryHTMLAndJSONListExactlyTheSharedAssets() async throws {
        let scene = try Scene()
        let link = try scene.share()
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let page = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: [.userAgent: "GalleryTest/1.0"])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            let html = page.text
            #expect(html.components(separatedBy: "class=\"tile\"").count - 1 == 3)
            #expect(html.contains("Spring Campaign"))
            #expect(html.contains("Harbour at dawn"))
            #expect(html.contains("Studio &lt;portrait&gt; &amp; co"))
            #expect(!html.contains("<portrait>"))
            #expect(html.contains("Print proof"))
            for hidden in ["Private scouting shot", "Archived flower", "Expired licence"] { #expect(!html.contains(hidden)) }
            for asset in scene.shared { #expect(html.contains("/s/\(link.token)/assets/\(asset.id!)/view/THUMBNAIL_MEDIUM")) }

            let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
            let assets = json["assets"] as? [[String: Any]] ?? []
            #expect(assets.compactMap { ($0["id"] as? NSNumber)?.int64Value } == scene.shared.map { $0.id! })
            #expect(json["title"] as? String == "Spring Campaign")
            #expect(json["downloadAllUrl"] as? String == "/s/\(link.token)/download-all")
            let first = assets.first ?? [:]
            #expect((first["width"] as? NSNumber)?.intValue == 1800)
            #expect((first["height"] as? NSNumber)?.intValue == 1200)
            #expect(first["copyrightHolder"] as? String == "Studio North")
            let downloads = first["downloads"] as? [[String: Any]] ?? []
            #expect(downloads.compactMap { $0["kind"] as? String } == ["ORIGINAL", "THUMBNAIL_MEDIUM", "PREVIEW"])

            // The thumbnail the page points at is the rendition's bytes, as a JPEG.
            let thumb = try await client.execute(uri: "/s/\(link.token)/assets/\(scene.shared[0].id!)/view/THUMBNAIL_MEDIUM", method: .get)
            #expect(thumb.status == .ok)
            #expect(thumb.headers[.contentType] == "image/jpeg")
            #expect(Array(thumb.bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        }
        let log = try scene.fixture.shares.accessLog(token: link.token)
        #expect(log.filter { $0.event == .view && $0.renditionType == nil }.count == 2)
        #expect(log.filter { $0.event == .view && $0.renditionType == "THUMBNAIL_MEDIUM" }.count == 1)
        #expect(log.first?.userAgent == "GalleryTest/1.0")
        #expect(log.first?.ipAddress != nil)
        #expect(try scene.fixture.shares.summary(token: link.token).accessCount == 2)
    }

    @Test func assetPageShowsPreviewMetadataAndDownloads() async throws {
        let scene = try Scene()
        let link = try scene.share()
        let asset = scene.shared[0]
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let page = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("1800 × 1200 px"))
            #expect(page.text.contains("© 2024 Studio North"))
            #expect(page.text.contains("/s/\(link.token)/assets/\(asset.id!)/view/PREVIEW"))
            #expect(page.text.contains("/s/\(link.token)/assets/\(asset.id!)/download/original"))
            #expect(page.text.contains("1 of 3"))
            #expect(page.text.contains(">Original<small>347 KB · 1800×1200</small></a>"))
            #expect(page.text.contains(">Preview<small>"))
            #expect(!page.text.contains("GRDB"))
        }
    }

    @Test func passwordProtectedLinkNeedsTheRightPasswordAndASignedCookie() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.password = "open sesame" }
        let other = try scene.share { $0.password = "open sesame" }
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let form = try await client.execute(uri: "/s/\(link.token)", method: .get)
            #expect(form.status == .unauthorized)
            #expect(form.text.contains("<form"))
            #expect(!form.text.contains("Harbour at dawn"))
            #expect(try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).status == .unauthorized)
            let file = "/s/\(link.token)/assets/\(scene.shared[0].id!)/view/THUMBNAIL_MEDIUM"
            #expect(try await client.execute(uri: file, method: .get).status == .unauthorized)

            let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let wrong = try await client.execute(uri: "/s/\(link.token)/password", method: .post, headers: formType,
                                                 body: ByteBuffer(string: "password=guess"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("not correct"))
            #expect(wrong.headers[.setCookie] == nil)

            // JSON clients get 204 and the cookie (the form post's 303 is checked in formPasswordRedirects…,
            // as this client follows redirects).
            let right = try await client.execute(uri: "/s/\(link.token)/password", method: .post,
                                                 headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"password":"open sesame"}"#))
            #expect(right.status == .noContent)
            let setCookie = right.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(setCookie.contains("Path=/s/\(link.token)"))
            let cookie = try #require(cookiePair(setCookie))

            let page = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("Harbour at dawn"))
            #expect(try await client.execute(uri: file, method: .get, headers: [.cookie: cookie]).status == .ok)

            // The cookie is bound to its link and cannot be forged.
            #expect(try await client.execute(uri: "/s/\(other.token)", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            let value = cookie.split(separator: "=", maxSplits: 1)[1]
            let forged = "stockroom_share=\(value.split(separator: ".")[0] + "9").\(value.split(separator: ".")[1])"
            #expect(try await client.execute(uri: "/s/\(link.token)", method: .get, headers: [.cookie: forged]).status == .unauthorized)
        }
        #expect(try scene.fixture.shares.accessLog(token: link.token).contains { $0.event == .passwordFailed })
    }

    @Test func formPasswordRedirectsToTheGalleryWithTheSessionCookie() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.password = "open sesame" }
        let app = Application(router: try buildRouter(home: scene.fixture.home,
                                                      configuration: ServerConfiguration(wrongPasswordDelay: .milliseconds(10))))
        try await app.test(.router) { client in
            let right = try await client.execute(uri: "/s/\(link.token)/password", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "password=open+sesame"))
            #expect(right.status == .seeOther)
            #expect(right.headers[.location] == "/s/\(link.token)")
            let setCookie = right.headers[.setCookie] ?? ""
            #expect(setCookie.hasPrefix("stockroom_share="))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/s/\(link.token)"))
            let page = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: [.cookie: try #require(cookiePair(setCookie))])
            #expect(page.status == .ok)
        }
    }

    @Test func repeatedWrongPasswordsFromOneAddressAreRateLimited() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.password = "right" }
        let configuration = ServerConfiguration(port: 0, wrongPasswordDelay: .milliseconds(10), maxPasswordFailures: 3)
        try await withLiveServer(scene.fixture, configuration: configuration) { (client: any TestClientProtocol) async throws -> Void in
            let json: HTTPFields = [.contentType: "application/json"]
            for _ in 0..<3 {
                let r = try await client.execute(uri: "/s/\(link.token)/password", method: .post, headers: json,
                                                 body: ByteBuffer(string: #"{"password":"wrong"}"#))
                #expect(r.status == .unauthorized)
            }
            let blocked = try await client.execute(uri: "/s/\(link.token)/password", method: .post, headers: json,
                                                   body: ByteBuffer(string: #"{"password":"right"}"#))
            #expect(blocked.status == .tooManyRequests)
            #expect(Int(blocked.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test func expiredLinkIsGoneAndRevokedOrUnknownLinkIsNotFound() async throws {
        let scene = try Scene()
        let longAgo = Date().addingTimeInterval(-10 * 86_400)
        let expired = try scene.share({ $0.expiresAt = longAgo.addingTimeInterval(3_600) }, now: longAgo)
        let revoked = try scene.share()
        _ = try scene.fixture.shares.revoke(token: revoked.token, by: .system)
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            #expect(try await client.execute(uri: "/s/\(expired.token)", method: .get).status == .gone)
            #expect(try await client.execute(uri: "/s/\(expired.token)", method: .get, headers: acceptJSON).status == .gone)
            #expect(try await client.execute(uri: "/s/\(expired.token)/download-all", method: .get).status == .gone)
            #expect(try await client.execute(uri: "/s/\(revoked.token)", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/s/\(revoked.token)/assets/\(scene.shared[0].id!)/download/original", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/s/\(SecretToken.generate())", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/s/short", method: .get).status == .notFound)
        }
    }

    @Test func downloadCapHoldsUnderTwentyConcurrentDownloads() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.maxDownloads = 3 }
        let asset = scene.shared[1]
        let expected = try scene.fixture.blob(try scene.fixture.originalHash(of: asset))
        let statuses = try await withLiveServer(scene.fixture) { client in
            try await withThrowingTaskGroup(of: (HTTPResponse.Status, Data).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let r = try await client.execute(uri: "/s/\(link.token)/assets/\(asset.id!)/download/original", method: .get)
                        return (r.status, r.bytes)
                    }
                }
                var results: [(HTTPResponse.Status, Data)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        #expect(statuses.filter { $0.0 == .ok }.count == 3)
        #expect(statuses.filter { $0.0 == .forbidden }.count == 17)
        #expect(statuses.filter { $0.0 == .ok }.allSatisfy { $0.1 == expected })
        let summary = try scene.fixture.shares.summary(token: link.token)
        #expect(summary.downloadCount == 3)
        #expect(summary.state == .exhausted)
        #expect(try scene.fixture.shares.accessLog(token: link.token).filter { $0.event == .download }.count == 3)
        #expect(try scene.fixture.home.catalog.asset(id: asset.id!)?.downloadCount == 3)
    }

    @Test func rangeRequestsReturnPartialContentWithTheRightBytes() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.maxDownloads = 1 }
        let asset = scene.shared[0]
        let original = try scene.fixture.blob(try scene.fixture.originalHash(of: asset))
        let previewHash = try #require(scene.fixture.home.catalog.renditions(assetId: asset.id!).first { $0.renditionType == .preview }?.blobHash)
        let preview = try scene.fixture.blob(previewHash)
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let base = "/s/\(link.token)/assets/\(asset.id!)"
            let middle = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get, headers: [.range: "bytes=100-1123"])
            #expect(middle.status == .partialContent)
            #expect(middle.headers[.contentRange] == "bytes 100-1123/\(preview.count)")
            #expect(middle.headers[.contentLength] == "1024")
            #expect(middle.bytes == preview.subdata(in: 100..<1124))

            let tail = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get, headers: [.range: "bytes=-500"])
            #expect(tail.status == .partialContent)
            #expect(tail.bytes == preview.suffix(500))

            let open = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get, headers: [.range: "bytes=\(preview.count - 10)-"])
            #expect(open.bytes == preview.suffix(10))

            let beyond = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get, headers: [.range: "bytes=\(preview.count)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(preview.count)")

            // Validators: the blob hash is the ETag.
            let full = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get)
            #expect(full.headers[.eTag] == "\"\(previewHash)\"")
            #expect(full.headers[.acceptRanges] == "bytes")
            #expect(full.headers[.cacheControl]?.contains("max-age") == true)
            #expect(full.headers[.contentDisposition]?.hasPrefix("inline") == true)
            let cached = try await client.execute(uri: "\(base)/view/PREVIEW", method: .get, headers: [.ifNoneMatch: "\"\(previewHash)\""])
            #expect(cached.status == .notModified)
            #expect(cached.bytes.isEmpty)

            // A download: the first request takes the one allowed download; resuming it does not.
            let first = try await client.execute(uri: "\(base)/download/original", method: .get, headers: [.range: "bytes=0-999"])
            #expect(first.status == .partialContent)
            #expect(first.bytes == original.prefix(1000))
            #expect(first.headers[.contentType] == "image/jpeg")
            #expect(first.headers[.contentDisposition] == "attachment; filename=\"harbour.jpg\"; filename*=UTF-8''harbour.jpg")
            let resumed = try await client.execute(uri: "\(base)/download/original", method: .get, headers: [.range: "bytes=1000-"])
            #expect(resumed.status == .partialContent)
            #expect(resumed.bytes == original.suffix(from: 1000))
            #expect(try await client.execute(uri: "\(base)/download/original", method: .get).status == .forbidden)
        }
    }

    @Test func downloadAllStreamsAZipOfExactlyTheSharedOriginals() async throws {
        let scene = try Scene()
        let link = try scene.share()
        let response = try await withLiveServer(scene.fixture) { client in
            try await client.execute(uri: "/s/\(link.token)/download-all", method: .get)
        }
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/zip")
        #expect(response.headers[.contentDisposition]?.contains("spring-campaign.zip") == true)
        let archive = try Archive(data: response.bytes, accessMode: .read)
        let entries = Array(archive)
        // Two originals are both called harbour.jpg: the second is renamed, never overwritten.
        #expect(entries.map(\.path) == ["harbour.jpg", "portrait.jpg", "harbour (2).jpg"])
        for (entry, asset) in zip(entries, scene.shared) {
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            #expect(data == (try scene.fixture.blob(try scene.fixture.originalHash(of: asset))))
        }
        let log = try scene.fixture.shares.accessLog(token: link.token)
        #expect(log.contains { $0.event == .downloadAll })
        // Info-ZIP agrees the archive is sound.
        let file = scene.fixture.directory.appendingPathComponent("all.zip")
        try response.bytes.write(to: file)
        let listing = try ShareFixture.run("/usr/bin/python3", ["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))", file.path])
        #expect(listing.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }

    @Test func foreignAssetsAndTraversalAttemptsAreNotFound() async throws {
        let scene = try Scene()
        let link = try scene.share()
        let t = link.token
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            for asset in [scene.outsider, scene.archived, scene.licenseExpired] {
                for suffix in ["", "/view/THUMBNAIL_MEDIUM", "/view/PREVIEW", "/download/original", "/download/PREVIEW"] {
                    let r = try await client.execute(uri: "/s/\(t)/assets/\(asset.id!)\(suffix)", method: .get)
                    #expect(r.status == .notFound, "asset \(asset.name)\(suffix)")
                }
            }
            let attempts = [
                "/s/\(t)/assets/../../api/v1/assets",
                "/s/\(t)/assets/%2e%2e/download/original",
                "/s/\(t)/assets/\(scene.shared[0].id!)/view/..%2F..%2Fcatalog.sqlite",
                "/s/\(t)/assets/\(scene.shared[0].id!)/download/..%2Fserver.key",
                "/s/\(t)/assets/\(scene.shared[0].id!)/view/%2Fetc%2Fpasswd",
                "/s/\(t)/assets/-1/download/original",
                "/s/\(t)/assets/\(scene.shared[0].id!)/download/ORIGINAL/../../x",
                "/s/..%2F..%2Fcatalog.sqlite",
                "/s/\(t)%00/assets/\(scene.shared[0].id!)",
            ]
            for uri in attempts {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == .notFound, "\(uri)")
                #expect(!r.text.contains("Harbour"), "\(uri)")
            }
            let unmatched = try await client.execute(uri: "/s/\(t)/no/such/page", method: .get)
            #expect(unmatched.status == .notFound)
            #expect(unmatched.text.contains("Link not found"))
            // An asset link reaches only its asset.
            let single = try scene.fixture.shares.createShare(ShareRequest(target: .asset(id: scene.shared[0].id!)), by: .system)
            #expect(try await client.execute(uri: "/s/\(single.token)/assets/\(scene.shared[1].id!)", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/s/\(single.token)/assets/\(scene.shared[0].id!)", method: .get).status == .ok)
        }
    }

    @Test func viewOnlyLinkShowsButNeverDownloads() async throws {
        let scene = try Scene()
        let link = try scene.share { $0.allowDownload = false }
        try await withLiveServer(scene.fixture) { (client: any TestClientProtocol) async throws -> Void in
            let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
            #expect(json["downloadsAllowed"] as? Bool == false)
            #expect(json["downloadAllUrl"] == nil)
            let assets = json["assets"] as? [[String: Any]] ?? []
            #expect(assets.allSatisfy { ($0["downloads"] as? [Any])?.isEmpty == true })
            let base = "/s/\(link.token)/assets/\(scene.shared[0].id!)"
            #expect(try await client.execute(uri: "\(base)/view/PREVIEW", method: .get).status == .ok)
            #expect(try await client.execute(uri: "\(base)/download/original", method: .get).status == .forbidden)
            #expect(try await client.execute(uri: "/s/\(link.token)/download-all", method: .get).status == .forbidden)
            let page = try await client.execute(uri: "/s/\(link.token)", method: .get)
            #expect(!page.text.contains("Download all"))
        }
    }
}

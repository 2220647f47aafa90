import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing

/// The one rule for every byte, over loopback HTTP: caps hold on every route and range, view
/// links are watermarked proofs, and password guesses are limited before bcrypt runs.
@Suite("Share links: every byte counted")
struct ShareRulesHTTPTests {
    @Test func noByteOfAnExhaustedLinksOriginalByAnyRouteOrRange() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour", originalFilename: "harbour.jpg",
                                         extra: [(.webOptimized, 1800)])
        let collection = try fixture.collections.createCollection(name: "Capped", by: .system)
        _ = try fixture.collections.addAssets([asset.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), maxDownloads: 1), by: .system)
        let original = try fixture.blob(try fixture.originalHash(of: asset))
        let base = "/s/\(link.token)/assets/\(asset.id!)"
        let first: HTTPFields = [.userAgent: "FirstClient/1"]
        let other: HTTPFields = [.userAgent: "OtherClient/1"]
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            // A range that does not start at 0, with no download counted before, is a new download: it takes the one allowed.
            let opening = try await client.execute(uri: "\(base)/download/original", method: .get,
                                                   headers: first.merging([.range: "bytes=1-"]))
            #expect(opening.status == .partialContent)
            #expect(opening.bytes == original.suffix(from: 1))

            // The link is exhausted: nobody else gets a byte of the original, by any route or range.
            let attempts: [(String, HTTPRequest.Method, HTTPFields)] = [
                ("\(base)/download/original", .get, other),
                ("\(base)/download/original", .get, other.merging([.range: "bytes=1-"])),
                ("\(base)/download/original", .get, other.merging([.range: "bytes=-100"])),
                ("\(base)/download/original", .get, other.merging([.range: "bytes=0-0"])),
                ("\(base)/download/original", .head, other),
                ("\(base)/download/ORIGINAL", .get, other.merging([.range: "bytes=5000-"])),
                ("\(base)/download/WEB_OPTIMIZED", .get, other),
                ("\(base)/download/PREVIEW", .get, other.merging([.range: "bytes=10-"])),
                ("/s/\(link.token)/download-all", .get, other),
                ("/s/\(link.token)/download-all", .head, other),
                // The first client starting over from byte 0 is a new download too.
                ("\(base)/download/original", .get, first),
                ("\(base)/download/original", .get, first.merging([.range: "bytes=0-"])),
            ]
            for (uri, method, headers) in attempts {
                let response = try await client.execute(uri: uri, method: method, headers: headers)
                #expect(response.status == .forbidden, "\(method) \(uri) \(headers)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true || response.bytes.isEmpty, "\(method) \(uri) served bytes")
                #expect(!response.bytes.starts(with: [0xFF, 0xD8]), "\(method) \(uri)")
            }
            // The view route never serves originals or large renditions, whatever the cap says.
            for file in ["original", "ORIGINAL", "WEB_OPTIMIZED"] {
                let response = try await client.execute(uri: "\(base)/view/\(file)", method: .get, headers: other.merging([.range: "bytes=1-"]))
                #expect(response.status == .notFound, "view/\(file)")
            }
            // The counted client resumes its own download: part of the one it was counted for.
            let resumed = try await client.execute(uri: "\(base)/download/original", method: .get,
                                                   headers: first.merging([.range: "bytes=1000-"]))
            #expect(resumed.status == .partialContent)
            #expect(resumed.bytes == original.suffix(from: 1000))
        }
        let summary = try fixture.shares.summary(token: link.token)
        #expect(summary.downloadCount == 1)
        let log = try fixture.shares.accessLog(token: link.token)
        let downloads = log.filter { $0.event == .download }
        #expect(downloads.count == 2)
        #expect(downloads.map(\.byteRange) == ["1-\(original.count - 1)", "1000-\(original.count - 1)"])
        // Every refusal that reached a file is logged (the HEADs take nothing and log nothing).
        #expect(log.filter { $0.event == .denied }.count == 10)
        #expect(try fixture.home.catalog.asset(id: asset.id!)?.downloadCount == 1)
    }

    @Test func viewLinkServesOnlyWatermarkedProofsNoLargerThanPreview() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour",
                                         extra: [(.watermarked, 1200), (.webOptimized, 1800), (.socialSquare, 1080), (.thumbnailLarge, 600)])
        let plain = try fixture.addImage("iptc.jpg", name: "No proof made yet")
        let collection = try fixture.collections.createCollection(name: "Proofs", by: .system)
        _ = try fixture.collections.addAssets([asset.id!, plain.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .view), by: .system)
        let renditions = try fixture.home.catalog.renditions(assetId: asset.id!)
        let watermarkHash = try #require(renditions.first { $0.renditionType == .watermarked }?.blobHash)
        let watermark = try fixture.blob(watermarkHash)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let base = "/s/\(link.token)/assets/\(asset.id!)"
            // Pipelines/default.yml has a WATERMARKED recipe: the proof is all a view link shows.
            let proof = try await client.execute(uri: "\(base)/view/WATERMARKED", method: .get)
            #expect(proof.status == .ok)
            #expect(proof.bytes == watermark)
            for type in RenditionType.allCases where type != .watermarked {
                for route in ["view", "download"] {
                    let response = try await client.execute(uri: "\(base)/\(route)/\(type.rawValue)", method: .get)
                    // A rendition the asset lacks is 404 either way; one it has is 403 to download.
                    #expect(route == "view" ? response.status == .notFound : [.forbidden, .notFound].contains(response.status),
                            "\(route)/\(type.rawValue)")
                    #expect(response.bytes != watermark)
                }
            }
            for route in ["view/original", "download/original"] {
                #expect(try await client.execute(uri: "\(base)/\(route)", method: .get).status != .ok, "\(route)")
            }
            #expect(try await client.execute(uri: "/s/\(link.token)/download-all", method: .get).status == .forbidden)
            // An asset with no proof yet shows no picture at all rather than an unwatermarked one.
            #expect(try await client.execute(uri: "/s/\(link.token)/assets/\(plain.id!)/view/THUMBNAIL_MEDIUM", method: .get).status == .notFound)

            // The page shows exactly what the link can see.
            let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
            let assets = json["assets"] as? [[String: Any]] ?? []
            #expect(json["accessLevel"] as? String == "VIEW")
            #expect(assets.first?["thumbnailUrl"] as? String == "\(base)/view/WATERMARKED")
            #expect(assets.first?["previewUrl"] as? String == "\(base)/view/WATERMARKED")
            #expect(assets.last?["thumbnailUrl"] == nil)
            #expect(assets.allSatisfy { ($0["downloads"] as? [Any])?.isEmpty == true })
            let page = try await client.execute(uri: "/s/\(link.token)", method: .get).text
            #expect(page.contains("view only: watermarked proofs"))
            #expect(!page.contains("/view/THUMBNAIL_MEDIUM"))
            #expect(!page.contains("Download all"))
        }
        let views = try fixture.shares.accessLog(token: link.token).filter { $0.event == .view && $0.renditionType != nil }
        #expect(views.map(\.renditionType) == ["WATERMARKED"])
    }

    @Test func downloadLinkPagesShowScreenSizesAndNeverLargeRenditionsInline() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour", extra: [(.webOptimized, 1800), (.socialStory, 1080)])
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!)), by: .system)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let base = "/s/\(link.token)/assets/\(asset.id!)"
            #expect(try await client.execute(uri: "\(base)/view/PREVIEW", method: .get).status == .ok)
            #expect(try await client.execute(uri: "\(base)/view/THUMBNAIL_MEDIUM", method: .head).status == .ok)
            // 1800 px is above PREVIEW's 1600: a download, not a picture for the page.
            #expect(try await client.execute(uri: "\(base)/view/WEB_OPTIMIZED", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "\(base)/view/SOCIAL_STORY", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "\(base)/download/WEB_OPTIMIZED", method: .get).status == .ok)
        }
    }

    @Test func twentyParallelWrongPasswordsGetAtMostFiveEvaluations() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("iptc.jpg", renditions: false)
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!), password: "right one"), by: .system)
        let statuses = try await withLiveServer(fixture) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await client.execute(uri: "/s/\(link.token)/password", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"password":"guess"}"#)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == .unauthorized }.count == 5)
        #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
        #expect(try fixture.shares.accessLog(token: link.token).filter { $0.event == .passwordFailed }.count == 5)
    }

    @Test func fortyNineWrongAndTheRightPasswordInParallelEvaluateAtMostFive() async throws {
        let fixture = try ShareFixture()
        let asset = try fixture.addImage("iptc.jpg", renditions: false)
        let link = try fixture.shares.createShare(ShareRequest(target: .asset(id: asset.id!), password: "right one"), by: .system)
        let results = try await withLiveServer(fixture) { client in
            try await withThrowingTaskGroup(of: (Bool, HTTPResponse.Status).self) { group in
                for i in 0..<50 {
                    let right = i == 37
                    group.addTask {
                        let body = right ? #"{"password":"right one"}"# : #"{"password":"guess"}"#
                        let r = try await client.execute(uri: "/s/\(link.token)/password", method: .post, headers: [.contentType: "application/json"],
                                                         body: ByteBuffer(string: body))
                        return (right, r.status)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        let evaluated = results.filter { $0.1 != .tooManyRequests }
        #expect(evaluated.count <= 5)
        #expect(results.filter { $0.1 == .tooManyRequests }.count >= 45)
        // The right password got in only if it was one of the few attempts evaluated.
        let rightStatus = try #require(results.first { $0.0 }?.1)
        #expect(rightStatus == .tooManyRequests || rightStatus == .noContent)
        #expect(results.filter { !$0.0 && $0.1 == .noContent }.isEmpty)
    }

    @Test func perLinkLimitStopsGuessesSpreadOverAddresses() {
        let limiter = PasswordAttemptLimiter(maxPerAddress: 3, maxPerLink: 5, window: 60)
        var granted = 0
        for address in 0..<10 {
            for _ in 0..<3 {
                if case .granted = limiter.reserve(address: "10.0.0.\(address)", linkId: 7) { granted += 1 }
            }
        }
        #expect(granted == 5)
        // A right password is not a failure: it gives its slot back.
        let other = PasswordAttemptLimiter(maxPerAddress: 2, maxPerLink: 10, window: 60)
        guard case let .granted(first) = other.reserve(address: "a", linkId: 1) else { Issue.record("refused"); return }
        other.settle(first, succeeded: true)
        guard case .granted = other.reserve(address: "a", linkId: 1), case .granted = other.reserve(address: "a", linkId: 1) else {
            Issue.record("a success should not count against the address")
            return
        }
        guard case let .refused(retry) = other.reserve(address: "a", linkId: 1) else { Issue.record("third failure admitted"); return }
        #expect(retry > 0 && retry <= 60)
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}

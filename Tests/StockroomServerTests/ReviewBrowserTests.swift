import Foundation
import HummingbirdTesting
import StockroomCore
import StockroomServer
import StockroomTestSupport
import Testing

/// The review gallery in a real browser, driven through Chromium's DevTools protocol: the
/// thumbnails load, a click on the picture pins a comment where it was made, and a decision
/// changes the badge. In CI (`STOCKROOM_TEST_REQUIRE_SERVERS=1`) a missing chromium fails it.
/// `scripts/gallery-screenshot` runs it with `STOCKROOM_SCREENSHOT_DIR=Docs` to refresh
/// `Docs/gallery-review.png`.
@Suite("Client review in headless Chromium", .enabled(if: runBrowserTests, "needs chromium (scripts/install-deps test)"))
struct ReviewBrowserTests {
    @Test func thumbnailsLoadAPointLandsWhereItWasClickedAndADecisionChangesTheBadge() async throws {
        let fixture = try ShareFixture()
        var assets: [Asset] = []
        for (file, name) in [("orientation-landscape-1.jpg", "Harbour at dawn"), ("sample.png", "Studio still life"),
                             ("iptc.jpg", "Portrait, window light"), ("flower.webp", "Spring flower")] {
            assets.append(try fixture.addImage(file, name: name))
        }
        let collection = try fixture.collections.createCollection(name: "Spring Campaign 2025", description: "Selects for review", by: .system)
        _ = try fixture.collections.addAssets(assets.map { $0.id! }, to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .comment), by: .system)
        let photo = assets[0]
        let screenshots = ProcessInfo.processInfo.environment["STOCKROOM_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) }

        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let port = try #require(client.port)
            let gallery = "http://127.0.0.1:\(port)/s/\(link.token)"
            try await HeadlessChromium.with { browser in
                let page = try await browser.newPage()

                // The grid's thumbnails really load (decoded, with a width).
                try await page.navigate(gallery)
                try await page.waitUntil("document.querySelectorAll('.tile img').length === 4 && Array.from(document.querySelectorAll('.tile img')).every(i => i.complete && i.naturalWidth > 0)")
                let widths = try await page.evaluate("Array.from(document.querySelectorAll('.tile img')).map(i => i.naturalWidth)")
                guard case let .array(values) = widths else { throw BrowserError.failed("no widths") }
                #expect(values.count == 4)
                #expect(values.allSatisfy { if case let .number(w) = $0 { return w > 0 } else { return false } })

                // The asset page: a name, a click at 30 % across and 60 % down the picture, a comment.
                try await page.navigate("\(gallery)/assets/\(photo.id!)")
                try await page.waitUntil("document.getElementById('picture').complete && document.getElementById('picture').naturalWidth > 0")
                let name = try await page.centre(of: "#author-name")
                try await page.click(x: name.x, y: name.y)
                try await page.type("Ana Lima")
                let box = try await page.evaluate("""
                    (() => { const p = document.getElementById('picture'); p.scrollIntoView({block: 'center'});
                             const r = p.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()
                    """)
                guard case let .array(edges) = box, edges.count == 4, case let .number(left) = edges[0], case let .number(top) = edges[1],
                      case let .number(width) = edges[2], case let .number(height) = edges[3], width > 100, height > 100 else {
                    throw BrowserError.failed("the picture has no size: \(box)")
                }
                try await page.click(x: left + 0.3 * width, y: top + 0.6 * height)
                try await page.waitUntil("document.getElementById('pending-marker') !== null")
                let text = try await page.centre(of: "#comment-text")
                try await page.click(x: text.x, y: text.y)
                try await page.type("Lighten this corner, please")
                let submit = try await page.centre(of: "#comment-submit")
                try await page.click(x: submit.x, y: submit.y)
                // The page reloads with the stored comment's marker.
                try await page.waitUntil("document.querySelectorAll('.marker.point').length === 1 && document.getElementById('pending-marker') === null")

                let stored = try fixture.home.sqliteCatalog!.comments(assetId: photo.id!)
                #expect(stored.count == 1)
                let comment = try #require(stored.first)
                #expect(comment.content == "Lighten this corner, please")
                #expect(comment.authorName == "Ana Lima")
                #expect(comment.authorType == "client")
                guard case let .point(x, y)? = comment.annotation else {
                    Issue.record("not a point: \(String(describing: comment.annotation))")
                    return
                }
                #expect(abs(x - 0.3) <= 0.01, "x = \(x)")
                #expect(abs(y - 0.6) <= 0.01, "y = \(y)")
                let marker = try await page.evaluate("document.querySelector('.marker.point').style.left")
                #expect(marker.stringValue.flatMap { Double($0.dropLast()) }.map { abs($0 - x * 100) < 0.01 } == true)

                // A decision: the badge changes in place, and the gallery shows it after.
                #expect(try await page.evaluate("document.getElementById('decision-badge').textContent") == .string("Open"))
                let approve = try await page.centre(of: "[data-decide=approved]")
                try await page.click(x: approve.x, y: approve.y)
                try await page.waitUntil("document.getElementById('decision-badge').textContent === 'Approved'")
                #expect(try await page.evaluate("document.getElementById('decision-badge').className") == .string("decision approved"))
                if let screenshots { try await page.screenshot(to: screenshots.appendingPathComponent("gallery-review.png")) }
                let reject = try await page.centre(of: "[data-decide=rejected]")
                try await page.click(x: reject.x, y: reject.y)
                try await page.waitUntil("document.getElementById('decision-badge').textContent === 'Rejected'")

                try await page.navigate(gallery)
                let tileBadge = try await page.evaluate("document.querySelector('.tile[data-asset-id=\"\(photo.id!)\"] .decision').textContent")
                #expect(tileBadge == .string("Rejected"))
                #expect(try await page.evaluate("document.getElementById('review-summary').textContent") == .string("0 approved, 1 rejected, 3 open"))
                // The name stayed with the browser for the next page.
                #expect(try await page.evaluate("localStorage.getItem('stockroom.reviewer')") == .string("Ana Lima"))
                if let screenshots {
                    try await page.waitUntil("Array.from(document.querySelectorAll('.tile img')).every(i => i.complete && i.naturalWidth > 0)")
                    try await page.screenshot(to: screenshots.appendingPathComponent("gallery-review-grid.png"))
                }
            }
        }
        let review = try fixture.home.sqliteCatalog!.reviews(shareLinkId: link.id!)
        #expect(review.map(\.decision) == [.rejected])
        #expect(review.first?.authorName == "Ana Lima")
    }

    /// The PREVIEW_VIDEO plays in the asset page: the browser fetches it with ranges and its
    /// playback time advances.
    @Test func thePreviewVideoPlays() async throws {
        @Sendable func number(_ value: JSONValue) -> Double? { if case let .number(n) = value { return n }; return nil }
        let fixture = try ShareFixture()
        let clip = try fixture.addVideo("chaplin.mp4", name: "Teaser cut")
        let collection = try fixture.collections.createCollection(name: "Cuts", by: .system)
        _ = try fixture.collections.addAssets([clip.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .comment), by: .system)

        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let port = try #require(client.port)
            try await HeadlessChromium.with { browser in
                let page = try await browser.newPage()
                try await page.navigate("http://127.0.0.1:\(port)/s/\(link.token)/assets/\(clip.id!)")
                #expect(try await page.evaluate("document.querySelector('video').getAttribute('src')")
                    == .string("/s/\(link.token)/assets/\(clip.id!)/view/PREVIEW_VIDEO"))
                try await page.waitUntil("document.querySelector('video').readyState >= 1")
                _ = try await page.evaluate("(() => { const v = document.querySelector('video'); v.muted = true; return v.play().then(() => true); })()")
                try await page.waitUntil("document.querySelector('video').currentTime > 1.0", timeout: .seconds(20))
                let duration = try await page.evaluate("document.querySelector('video').duration")
                #expect(number(duration).map { abs($0 - 6) < 0.2 } == true, "duration \(duration)")
                _ = try await page.evaluate("document.querySelector('video').pause()")
                let time = number(try await page.evaluate("document.querySelector('video').currentTime")) ?? -1
                #expect(time > 1.0 && time < 6.1)
            }
        }
    }

    /// An audio asset: the grid shows its waveform thumbnail, the page plays the PREVIEW_AUDIO
    /// over the WAVEFORM (the playhead moves), and a comment at the player's current time is
    /// stored as a timestamp annotation and drawn on the timeline.
    @Test func theAudioPlaysOverItsWaveformAndACommentAtTheCurrentTimeIsStored() async throws {
        @Sendable func number(_ value: JSONValue) -> Double? { if case let .number(n) = value { return n }; return nil }
        let fixture = try ShareFixture()
        let track = try fixture.addAudio(try fixture.toneAIFF(seconds: 8), name: "Jingle, take 3", durationSeconds: 8)
        let collection = try fixture.collections.createCollection(name: "Sound", by: .system)
        _ = try fixture.collections.addAssets([track.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .comment), by: .system)
        let screenshots = ProcessInfo.processInfo.environment["STOCKROOM_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) }

        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let port = try #require(client.port)
            let gallery = "http://127.0.0.1:\(port)/s/\(link.token)"
            try await HeadlessChromium.with { browser in
                let page = try await browser.newPage()
                try await page.navigate(gallery)
                try await page.waitUntil("(() => { const i = document.querySelector('.tile img'); return i && i.complete && i.naturalWidth > 0; })()")
                #expect(try await page.evaluate("document.querySelector('.tile img').getAttribute('src')")
                    == .string("/s/\(link.token)/assets/\(track.id!)/view/THUMBNAIL_MEDIUM"))

                try await page.navigate("\(gallery)/assets/\(track.id!)")
                try await page.waitUntil("(() => { const i = document.querySelector('#waveform img'); return i && i.complete && i.naturalWidth > 0; })()")
                #expect(try await page.evaluate("document.querySelector('#waveform img').getAttribute('src')")
                    == .string("/s/\(link.token)/assets/\(track.id!)/view/WAVEFORM"))
                #expect(number(try await page.evaluate("document.querySelector('#waveform img').naturalWidth")) == 1200)
                #expect(try await page.evaluate("document.getElementById('player').getAttribute('src')")
                    == .string("/s/\(link.token)/assets/\(track.id!)/view/PREVIEW_AUDIO"))
                try await page.waitUntil("document.getElementById('player').readyState >= 1")
                let duration = number(try await page.evaluate("document.getElementById('player').duration")) ?? -1
                #expect(abs(duration - 8) < 0.2, "duration \(duration)")
                // The reviewer names themself first: that click is the user gesture Chromium wants
                // before an <audio> may play (muted or not).
                let name = try await page.centre(of: "#author-name")
                try await page.click(x: name.x, y: name.y)
                try await page.type("Ana Lima")
                _ = try await page.evaluate("(() => { const a = document.getElementById('player'); a.muted = true; return a.play().then(() => true); })()")
                try await page.waitUntil("document.getElementById('player').currentTime > 1.0", timeout: .seconds(20))
                _ = try await page.evaluate("document.getElementById('player').pause()")
                try await page.waitUntil("parseFloat(document.getElementById('playhead').style.left) > 5")
                let time = number(try await page.evaluate("document.getElementById('player').currentTime")) ?? -1
                #expect(time > 1.0 && time < 8.1)

                // The time field follows the player; the comment is placed there.
                try await page.waitUntil("Math.abs(parseFloat(document.getElementById('at-time').value) - document.getElementById('player').currentTime) < 0.06")
                let shown = Double(try await page.evaluate("document.getElementById('at-time').value").stringValue ?? "") ?? -1
                _ = try await page.evaluate("document.getElementById('at-time-on').checked = true")
                let text = try await page.centre(of: "#comment-text")
                try await page.click(x: text.x, y: text.y)
                try await page.type("The bell comes in too early here")
                let submit = try await page.centre(of: "#comment-submit")
                try await page.click(x: submit.x, y: submit.y)
                try await page.waitUntil("document.querySelectorAll('.timeline .tick').length === 1")

                let stored = try fixture.home.sqliteCatalog!.comments(assetId: track.id!)
                #expect(stored.map(\.content) == ["The bell comes in too early here"])
                guard case let .timestamp(at)? = stored.first?.annotation else {
                    Issue.record("not a timestamp: \(String(describing: stored.first?.annotation))")
                    return
                }
                #expect(abs(at - shown) < 0.001 && abs(at - time) < 0.06, "stored \(at), shown \(shown), player \(time)")
                let tick = try await page.evaluate("document.querySelector('.timeline .tick').style.left")
                #expect(tick.stringValue.flatMap { Double($0.dropLast()) }.map { abs($0 - at / 8 * 100) < 0.01 } == true, "\(tick)")
                // A tick takes the player to its comment's moment.
                try await page.waitUntil("document.getElementById('player').readyState >= 1")
                _ = try await page.evaluate("document.querySelector('.timeline .tick').click()")
                try await page.waitUntil("Math.abs(document.getElementById('player').currentTime - \(at)) < 0.01 && parseFloat(document.getElementById('playhead').style.left) > 5")
                if let screenshots { try await page.screenshot(to: screenshots.appendingPathComponent("gallery-audio.png")) }
            }
        }
    }
}

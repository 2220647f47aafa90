import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StockroomCore
import StockroomTestSupport
import Testing

/// An audio asset through share links on loopback: COMMENT and DOWNLOAD links serve its
/// PREVIEW_AUDIO (audio/mp4, with ranges) and WAVEFORM through the one display rule, the page
/// plays it over the waveform, a VIEW link (watermarked proofs only) serves neither, and a
/// comment at a moment of it is stored.
@Suite("Audio playback over HTTP", .enabled(if: installedFFmpegForAudio != nil, "needs the ffmpeg command"))
struct AudioPlaybackHTTPTests {
    @Test func commentAndDownloadLinksPlayTheProxyOverTheWaveformAndViewLinksDoNot() async throws {
        let fixture = try ShareFixture()
        let track = try fixture.addAudio(try fixture.toneAIFF(seconds: 4), name: "Voice-over <draft>", durationSeconds: 4)
        let collection = try fixture.collections.createCollection(name: "Sound", by: .system)
        _ = try fixture.collections.addAssets([track.id!], to: collection.slug, by: .system)
        let comment = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .comment), by: .system)
        let download = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .download), by: .system)
        let view = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .view), by: .system)
        let renditions = Dictionary(uniqueKeysWithValues: try fixture.home.catalog.renditions(assetId: track.id!).map { ($0.renditionType, $0) })
        let proxy = try fixture.blob(try #require(renditions[.previewAudio]?.blobHash))
        let waveform = try fixture.blob(try #require(renditions[.waveform]?.blobHash))

        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            for link in [comment, download] {
                let base = "/s/\(link.token)/assets/\(track.id!)"
                let whole = try await client.execute(uri: "\(base)/view/PREVIEW_AUDIO", method: .get)
                #expect(whole.status == .ok)
                #expect(whole.headers[.contentType] == "audio/mp4")
                #expect(whole.headers[.acceptRanges] == "bytes")
                #expect(whole.bytes == proxy)
                // The player seeks with ranges.
                let part = try await client.execute(uri: "\(base)/view/PREVIEW_AUDIO", method: .get, headers: [.range: "bytes=100-1099"])
                #expect(part.status == .partialContent)
                #expect(part.headers[.contentRange] == "bytes 100-1099/\(proxy.count)")
                #expect(part.bytes == proxy.subdata(in: 100..<1100))
                let picture = try await client.execute(uri: "\(base)/view/WAVEFORM", method: .get)
                #expect(picture.status == .ok && picture.headers[.contentType] == "image/png" && picture.bytes == waveform)

                let page = try await client.execute(uri: base, method: .get).text
                #expect(page.contains("<audio id=\"player\" src=\"\(base)/view/PREVIEW_AUDIO\" controls preload=\"metadata\"></audio>"))
                #expect(page.contains("<div class=\"waveform\" id=\"waveform\"><img src=\"\(base)/view/WAVEFORM\" alt=\"Waveform of Voice-over &lt;draft&gt;\""))
                #expect(page.contains("<script src=\"/static/gallery.js\" defer></script>"), "the playhead needs the script on every link")
                let json = try await client.execute(uri: "/s/\(link.token)", method: .get, headers: acceptJSON).json()
                let asset = try #require((json["assets"] as? [[String: Any]])?.first)
                #expect(asset["previewUrl"] as? String == "\(base)/view/PREVIEW_AUDIO")
                #expect(asset["previewMimeType"] as? String == "audio/mp4")
                #expect(asset["waveformUrl"] as? String == "\(base)/view/WAVEFORM")
            }
            // The DOWNLOAD link offers the proxy as a file too; the VIEW link never.
            let offered = try await client.execute(uri: "/s/\(download.token)/assets/\(track.id!)/download/PREVIEW_AUDIO", method: .get)
            #expect(offered.status == .ok && offered.bytes == proxy)
            #expect(try await client.execute(uri: "/s/\(view.token)/assets/\(track.id!)/download/PREVIEW_AUDIO", method: .get).status == .forbidden)

            // A VIEW link is a proof link (the default pipeline watermarks): no audio, no waveform.
            let viewBase = "/s/\(view.token)/assets/\(track.id!)"
            for type in ["PREVIEW_AUDIO", "WAVEFORM"] {
                #expect(try await client.execute(uri: "\(viewBase)/view/\(type)", method: .get).status == .notFound, "\(type)")
                #expect(try await client.execute(uri: "\(viewBase)/view/\(type)", method: .get, headers: [.range: "bytes=0-9"]).status == .notFound)
            }
            #expect(!(try await client.execute(uri: viewBase, method: .get).text.contains("<audio")))

            // A comment at a moment of the audio, within its 4 s; past the end it is refused.
            let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json"]
            func post(_ time: Double) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: [
                    "content": "Breath at \(time)", "authorName": "Ana", "annotation": ["type": "timestamp", "time": time],
                ] as [String: Any])
                return try await client.execute(uri: "/s/\(comment.token)/assets/\(track.id!)/comments", method: .post, headers: headers,
                                                body: ByteBuffer(data: body))
            }
            #expect(try await post(2.5).status == .created)
            #expect(try await post(4.5).status == .badRequest)
        }
        let stored = try fixture.home.sqliteCatalog!.comments(assetId: track.id!)
        #expect(stored.map(\.annotation) == [.timestamp(time: 2.5)])
    }
}

let installedFFmpegForAudio = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Webhooks: signed JSON from the durable queue to a real receiver on loopback")
struct WebhookDeliveryTests {
    let dir = TemporaryDirectory()
    static let secret = "0123456789abcdef-webhook-secret"

    /// A data home whose stockroom.yml sends `events` to the receiver.
    func home(receiver: LoopbackHTTPReceiver, backend: CatalogBackend, events: [String]? = nil, maxAttempts: Int? = nil,
              before: (DataHome) throws -> Void = { _ in }) throws -> DataHome {
        let root = dir.url.appendingPathComponent("home")
        let first = try backend.initHome(at: root)
        _ = try LibraryService(libraries: first.catalog, folders: first.catalog).createLibrary(name: "Test Library", by: .system)
        try before(first)
        // On PostgreSQL stockroom.yml already names the catalog.
        let configuration = root.appendingPathComponent("stockroom.yml")
        var yaml = ((try? String(contentsOf: configuration, encoding: .utf8)) ?? "") + "webhooks:\n  - url: http://127.0.0.1:\(receiver.port)/hooks/stockroom\n    secret: \(Self.secret)\n"
        if let events { yaml += "    events: [\(events.joined(separator: ", "))]\n" }
        if let maxAttempts { yaml += "    maxAttempts: \(maxAttempts)\n" }
        try yaml.write(to: configuration, atomically: true, encoding: .utf8)
        return try DataHome.open(at: root)
    }

    /// Runs dispatcher passes on a thread of its own (deliveries block) until `done` or 20 s.
    func deliver(_ dispatcher: WebhookDispatcher, until done: @escaping @Sendable () -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                let deadline = Date().addingTimeInterval(20)
                while !done(), Date() < deadline {
                    _ = dispatcher.deliverDue()
                    Thread.sleep(forTimeInterval: 0.02)
                }
                continuation.resume()
            }.start()
        }
    }

    /// Queues deliveries without sending any until `count` are queued. On PostgreSQL an entry is
    /// read only once every transaction older than it has ended — in the whole cluster, where
    /// other tests run — so the entries may reach the queue a moment apart.
    func queue(_ dispatcher: WebhookDispatcher, in home: DataHome, until count: Int) throws {
        let deadline = Date().addingTimeInterval(40)
        while try home.catalog.webhookJobs(limit: 100).count < count, Date() < deadline {
            _ = dispatcher.deliverDue(until: Date())
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(try home.catalog.webhookJobs(limit: 100).count == count)
    }

    @Test(arguments: CatalogBackend.available)
    func ingestsCommentsAndDecisionsArriveSignedAndFailuresAreRetried(_ backend: CatalogBackend) async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let home = try home(receiver: receiver, backend: backend) { earlier in
            // Made before the webhook was configured: never sent.
            _ = try CollectionService(collections: earlier.catalog, assets: earlier.catalog).createCollection(name: "Before", by: .system)
        }
        let photo = try Fixtures.stage(["harbour.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        let ingested = try await Fixtures.ingest([photo], into: home)
        let assetId = try #require(ingested.files.first?.assetId)
        let collections = CollectionService(collections: home.catalog, assets: home.catalog)
        _ = try collections.createCollection(name: "Picks", by: .system)
        _ = try collections.addAssets([assetId], to: "picks", by: .system)
        let shares = ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, bcryptCost: 4, reviews: home.catalog)
        let link = try shares.createShare(ShareRequest(target: .collection(slug: "picks"), accessLevel: .comment), by: .system)
        let share = try shares.resolve(token: link.token)
        let review = ClientReviewService(comments: home.catalog, reviews: home.catalog)
        let asset = try #require(share.asset(assetId))
        let text = "Warmer <b>tones</b> \"please\" — ✓"
        _ = try review.postComment(content: text, authorName: "Ana", annotation: .point(x: 0.25, y: 0.5), parentId: nil, on: asset,
                                   in: share, client: ShareClient(address: "10.0.0.9", userAgent: nil))
        _ = try review.decide(.approved, note: "go", authorName: "Ana", on: asset, in: share, client: ShareClient(address: "10.0.0.9", userAgent: nil))

        // The first two attempts are answered 500: both come back after their delay.
        receiver.respond(with: [500, 503])
        let dispatcher = WebhookDispatcher(queue: home.catalog, configuration: home.webhooks,
                                           backoff: .init(first: 0.05, maximum: 0.2, jitter: false))
        try queue(dispatcher, in: home, until: 3)
        await deliver(dispatcher) { receiver.received.filter { $0.status == 200 }.count >= 3 }
        let all = receiver.received
        let delivered = all.filter { $0.status == 200 }
        #expect(delivered.count == 3)
        #expect(all.count == 5)

        var byEvent: [String: [String: JSONValue]] = [:]
        for request in all {
            #expect(request.method == "POST" && request.path == "/hooks/stockroom")
            #expect(request.headers["content-type"] == "application/json")
            let timestamp = try #require(Int(request.headers["x-stockroom-timestamp"] ?? ""))
            #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 120)
            let signature = try #require(request.headers["x-stockroom-signature"])
            #expect(WebhookSignature.verify(signature: signature, body: request.body, timestamp: timestamp, secret: Self.secret))
            #expect(!WebhookSignature.verify(signature: signature, body: request.body + Data(" ".utf8), timestamp: timestamp, secret: Self.secret))
            // Python's hmac agrees, byte for byte.
            let python = try ServerEnvironment.run("/usr/bin/env", ["python3", "-c", """
                import hmac, hashlib, sys
                body = sys.stdin.buffer.read()
                print("sha256=" + hmac.new(sys.argv[1].encode(), sys.argv[2].encode() + b"." + body, hashlib.sha256).hexdigest())
                """, Self.secret, String(timestamp)], input: request.body)
            #expect(String(decoding: python, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == signature)
            let body = try JSONDecoder.stockroom.decode(JSONValue.self, from: request.body)
            guard case let .object(object) = body, let event = object["event"]?.stringValue else {
                Issue.record("not a JSON object")
                continue
            }
            #expect(request.headers["x-stockroom-event"] == event)
            #expect(request.headers["x-stockroom-delivery"] == object["id"]?.stringValue)
            if request.status == 200 { byEvent[event] = object }
        }
        #expect(Set(byEvent.keys) == ["asset.ingested", "comment.created", "review.decided"])
        let comment = try #require(byEvent["comment.created"])
        #expect(comment["actor"]?["type"] == .string("client") && comment["actor"]?["name"] == .string("Ana"))
        #expect(comment["data"]?["content"] == .string(text))
        #expect(comment["data"]?["annotation"]?["x"] == .number(0.25))
        #expect(comment["data"]?["shareLinkId"] == .number(Double(link.id!)))
        let assetName = try home.catalog.asset(id: assetId)?.name
        #expect(comment["data"]?["asset"]?["name"]?.stringValue == assetName)
        #expect(byEvent["review.decided"]?["data"]?["decision"] == .string("APPROVED"))
        #expect(byEvent["asset.ingested"]?["data"]?["asset"]?["mimeType"] == .string("image/jpeg"))
        #expect(byEvent["asset.ingested"]?["entity"]?["id"] == .string(String(assetId)))
        // A retried delivery sends the same body under the same id.
        let retried = all.filter { $0.status != 200 }
        for failed in retried {
            let again = delivered.first { $0.headers["x-stockroom-delivery"] == failed.headers["x-stockroom-delivery"] }
            #expect(again?.body == failed.body)
        }
        let jobs = try home.catalog.webhookJobs(limit: 10)
        #expect(jobs.count == 3 && jobs.allSatisfy { $0.status == .succeeded })
        #expect(jobs.map(\.attempts).sorted() == [1, 2, 2])
        // Nothing is queued twice: another pass finds no work.
        #expect(dispatcher.deliverDue() == WebhookDispatcher.Pass())
        await receiver.stop()
    }

    @Test(arguments: CatalogBackend.available)
    func deliveriesFailForGoodAfterTheirAttemptsOrAGone(_ backend: CatalogBackend) async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let home = try home(receiver: receiver, backend: backend, events: ["comment.created"], maxAttempts: 2)
        let staff = CommentService(comments: home.catalog, assets: home.catalog)
        let draft = Asset(libraryId: 1, folderId: nil, name: "Still", slug: "still", assetType: .imagePhoto, status: .approved)
        let asset = try ReviewFixture.insert(draft, into: "asset", in: home)
        _ = try staff.add(assetId: asset.id!, content: "first", by: Actor(kind: .user, name: "sam"))
        _ = try staff.add(assetId: asset.id!, content: "second", by: Actor(kind: .user, name: "sam"))
        receiver.respond(with: [500, 410, 500])
        let dispatcher = WebhookDispatcher(queue: home.catalog, configuration: home.webhooks, backoff: .init(first: 0.02, maximum: 0.05, jitter: false))
        try queue(dispatcher, in: home, until: 2)
        await deliver(dispatcher) {
            let jobs = (try? home.catalog.webhookJobs(limit: 10)) ?? []
            return jobs.count == 2 && jobs.allSatisfy { $0.status == .failed }
        }
        let jobs = try home.catalog.webhookJobs(limit: 10)
        #expect(jobs.count == 2)
        #expect(jobs.allSatisfy { $0.status == .failed })
        #expect(jobs.contains { $0.lastError?.contains("410") == true && $0.attempts == 1 })
        #expect(jobs.contains { $0.lastError?.contains("HTTP 500") == true && $0.attempts == 2 })
        #expect(receiver.received.count == 3)

        // An endpoint taken out of stockroom.yml: its queued deliveries fail with a reason.
        _ = try staff.add(assetId: asset.id!, content: "third", by: Actor(kind: .user, name: "sam"))
        try queue(dispatcher, in: home, until: 3)
        let orphaned = WebhookDispatcher(queue: home.catalog, configuration: WebhookConfiguration(endpoints: [
            .init(url: URL(string: "http://127.0.0.1:9/other")!, secret: Self.secret),
        ]))
        await deliver(orphaned) { (try? home.catalog.webhookJobs(limit: 10).count(where: { $0.status == .failed })) == 3 }
        #expect(try home.catalog.webhookJobs(limit: 10).last?.lastError?.contains("no longer") == true)
        await receiver.stop()
    }

    @Test func configurationIsCheckedWhenTheHomeOpens() throws {
        let root = dir.url.appendingPathComponent("home")
        _ = try DataHome.initialize(at: root)
        let cases: [(String, String)] = [
            ("webhooks:\n  - url: ftp://example.com/x\n    secret: 0123456789abcdef\n", "http://"),
            ("webhooks:\n  - url: http://example.com/x\n", "secret"),
            ("webhooks:\n  - url: http://example.com/x\n    secret: short\n", "16 characters"),
            ("webhooks:\n  - url: http://example.com/x\n    secret: 0123456789abcdef\n    events: [asset.deleted]\n", "unknown event"),
            ("webhooks:\n  - url: http://example.com/x\n    secretEnv: STOCKROOM_TEST_NO_SUCH_VARIABLE\n", "not set"),
        ]
        for (yaml, words) in cases {
            try yaml.write(to: root.appendingPathComponent("stockroom.yml"), atomically: true, encoding: .utf8)
            do {
                _ = try DataHome.open(at: root)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect("\(error)".contains(words), "\(error)")
            }
        }
        try "webhooks:\n  - url: https://hooks.example.com/x\n    secretEnv: HOOK_SECRET\n    events: [review.decided]\n"
            .write(to: root.appendingPathComponent("stockroom.yml"), atomically: true, encoding: .utf8)
        let home = try DataHome.open(at: root, environment: ["HOOK_SECRET": "from-the-environment-0123"])
        #expect(home.webhooks.endpoints.count == 1)
        #expect(home.webhooks.endpoints[0].secret == "from-the-environment-0123")
        #expect(home.webhooks.endpoints[0].events == [.reviewDecided])
        #expect(home.webhooks.endpoints[0].id.count == 16)
    }
}

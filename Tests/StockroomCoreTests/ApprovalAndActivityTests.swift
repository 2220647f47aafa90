import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Approval, library rules and the activity log")
struct ApprovalAndActivityTests {
    let dir = TemporaryDirectory()
    let sam = Actor(kind: .user, name: "Sam")

    @Test(arguments: CatalogBackend.available)
    func librariesThatRequireApprovalShareOnlyApprovedAssetsUnlessTheLinkSaysOtherwise(_ backend: CatalogBackend) throws {
        let fixture = try ReviewFixture(in: dir, requireApproval: true, backend: backend)
        // The fixture's assets were inserted APPROVED; make two of them pending as new ingests would be.
        try fixture.execute(sqlite: "UPDATE asset SET status = 'PENDING', approvedBy = NULL, approvedAt = NULL WHERE id IN (?, ?)",
                            postgres: "UPDATE asset SET status = 'PENDING', approved_by = NULL, approved_at = NULL WHERE id IN (?, ?)",
                            [fixture.video.id!, fixture.audio.id!])
        let strict = try fixture.link(.comment)
        #expect(strict.visibleAssets().map(\.id) == [fixture.image.id!])
        #expect(throws: ShareAccessError.notFound) { try fixture.shares.sharedAsset(fixture.video.id!, of: strict.link) }
        let forReview = try fixture.link(.comment, includePending: true)
        #expect(forReview.visibleAssets().map(\.id) == [fixture.image.id!, fixture.video.id!, fixture.audio.id!])
        #expect(try fixture.shares.summary(token: forReview.link.token).includePending)

        // Approving by query: a dry run changes nothing; then who and when are recorded.
        let approvals = ApprovalService(approvals: fixture.catalog)
        let dry = try approvals.approve(.query(try AssetQuery.parse("status:pending")), note: "ok for the web", dryRun: true, by: sam)
        #expect(dry.dryRun && dry.matched == 2 && dry.changed == 2)
        #expect(try fixture.catalog.asset(id: fixture.video.id!)?.status == .pending)
        let done = try approvals.approve(.ids([fixture.video.id!, fixture.image.id!]), note: "ok for the web", by: sam)
        #expect(done.matched == 2 && done.changed == 1)
        let video = try #require(try fixture.catalog.asset(id: fixture.video.id!))
        #expect(video.status == .approved && video.approvedBy == "Sam" && video.approvedAt != nil)
        #expect(try fixture.reload(strict).visibleAssets().map(\.id) == [fixture.image.id!, fixture.video.id!])
        // Rejected assets leave every link, pending-inclusive ones too.
        _ = try approvals.reject(.ids([fixture.audio.id!]), note: "wrong take", by: sam)
        #expect(try fixture.reload(forReview).visibleAssets().map(\.id) == [fixture.image.id!, fixture.video.id!])
        let audio = try #require(try fixture.catalog.asset(id: fixture.audio.id!))
        #expect(audio.status == .rejected && audio.approvedBy == nil)

        let approved = try fixture.activity("asset.approved"), rejected = try fixture.activity("asset.rejected")
        #expect(approved.map(\.entityId) == [String(fixture.video.id!)])
        #expect(approved[0].actorName == "Sam" && approved[0].metadata?["note"] == .string("ok for the web"))
        #expect(approved[0].metadata?["previousStatus"] == .string("PENDING"))
        #expect(rejected.map(\.entityId) == [String(fixture.audio.id!)])
    }

    @Test("`stockroom asset approve|reject` by ids and by query, on the real binary", arguments: CatalogBackend.available)
    func approvalCommands(_ backend: CatalogBackend) throws {
        let binary = Fixtures.repoRoot.appendingPathComponent(".build/debug/stockroom")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the CLI first (swift build --build-tests)")
        let fixture = try ReviewFixture(in: dir, requireApproval: true, backend: backend)
        try fixture.execute(sqlite: "UPDATE asset SET status = 'PENDING' WHERE id IN (?, ?)",
                            postgres: "UPDATE asset SET status = 'PENDING' WHERE id IN (?, ?)", [fixture.video.id!, fixture.audio.id!])
        func stockroom(_ arguments: [String], input: String? = nil) throws -> JSONValue {
            let output = try ServerEnvironment.run(binary.path, arguments + ["--home", fixture.home.root.path, "--json"], input: input.map { Data($0.utf8) })
            return try JSONDecoder.stockroom.decode(JSONValue.self, from: output)
        }
        let dry = try stockroom(["asset", "approve", "--ids-from", "-", "--dry-run"], input: "\(fixture.video.id!)\n\(fixture.image.id!)\n")
        #expect(dry["dryRun"] == .bool(true) && dry["matched"] == .number(2) && dry["changed"] == .number(1))
        #expect(try fixture.catalog.asset(id: fixture.video.id!)?.status == .pending)
        let approved = try stockroom(["asset", "approve", "--ids-from", "-", "--note", "signed off"], input: "\(fixture.video.id!)\n")
        #expect(approved["changed"] == .number(1))
        let video = try #require(try fixture.catalog.asset(id: fixture.video.id!))
        #expect(video.status == .approved && video.approvedAt != nil && video.approvedBy == Actor.cli.name)
        let rejected = try stockroom(["asset", "reject", "--where", "status:pending"])
        #expect(rejected["matched"] == .number(1) && rejected["changed"] == .number(1))
        #expect(try fixture.catalog.asset(id: fixture.audio.id!)?.status == .rejected)
        let entries = try fixture.activity().filter { $0.action == "asset.approved" || $0.action == "asset.rejected" }
        #expect(entries.map(\.entityId) == [String(fixture.video.id!), String(fixture.audio.id!)])
        #expect(entries[0].metadata?["note"] == .string("signed off") && entries[0].description == "Approved Teaser cut: signed off")
        #expect(entries[1].metadata?["previousStatus"] == .string("PENDING") && entries[1].metadata?["selection"] == .string("status:pending"))
    }

    @Test(arguments: CatalogBackend.available)
    func librarySettingsChangeThroughTheServiceAndAreLogged(_ backend: CatalogBackend) throws {
        let fixture = try ReviewFixture(in: dir, backend: backend)
        let libraries = LibraryService(libraries: fixture.catalog, folders: fixture.catalog)
        let changed = try libraries.updateSettings(slug: "client-work", LibrarySettingsChange(
            requireApproval: true, allowedFileTypes: ["Image/*", "video/mp4"], maxFileSize: .some(500_000_000)), by: sam)
        #expect(changed.settings.requireApproval)
        #expect(changed.settings.allowedFileTypes == ["image/*", "video/mp4"])
        #expect(changed.settings.maxFileSize == 500_000_000)
        #expect(try fixture.catalog.library(id: changed.id!)?.settings == changed.settings)
        let cleared = try libraries.updateSettings(slug: "client-work", LibrarySettingsChange(allowedFileTypes: [], maxFileSize: .some(nil)), by: sam)
        #expect(cleared.settings.allowedFileTypes.isEmpty && cleared.settings.maxFileSize == nil && cleared.settings.requireApproval)
        for bad in ["image", "image/", "*/jpeg", "image/jp eg"] {
            #expect(throws: DomainError.self, "\(bad)") {
                try libraries.updateSettings(slug: "client-work", LibrarySettingsChange(allowedFileTypes: [bad]), by: sam)
            }
        }
        #expect(throws: DomainError.self) { try libraries.updateSettings(slug: "client-work", LibrarySettingsChange(maxFileSize: .some(0)), by: sam) }
        #expect(throws: DomainError.self) { try libraries.updateSettings(slug: "client-work", LibrarySettingsChange(), by: sam) }
        #expect(throws: DomainError.self) { try libraries.updateSettings(slug: "nope", LibrarySettingsChange(requireApproval: false), by: sam) }
        let logged = try fixture.activity("library.updated")
        #expect(logged.count == 2)
        #expect(logged[0].description?.contains("requires approval") == true)
        #expect(logged[0].actorName == "Sam")
    }

    @Test("the activity log reads alike on both catalogs: newest first, total, time, actor, entity, share link, paging",
          arguments: CatalogBackend.available)
    func activityLogOnBothCatalogs(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try fixture.library("brand")
        let assets = try (0..<3).map { try fixture.asset("a\($0).jpg", in: library) }
        let tagging = TaggingService(tags: fixture.catalog)
        _ = try tagging.change(.add, tags: ["summer"], on: .ids(assets.map { $0.id! }), by: Actor(kind: .user, name: "Sam"))
        _ = try tagging.change(.remove, tags: ["summer"], on: .ids([assets[0].id!]), by: .system)
        let asset = "\(assets[1].id!)"
        for (action, daysAgo, link) in [("test.old", 10.0, 7.0), ("test.through-link", 1.0, 7.0), ("test.other-link", 0.5, 8.0)] {
            try fixture.insertRow(Activity(actor: Actor(kind: .client, name: "Ana"), action: action, entityType: "asset", entityId: asset,
                                           entityTitle: "a1.jpg", description: nil, metadata: .object(["shareLinkId": .number(link)]),
                                           now: Date().addingTimeInterval(-daysAgo * 86_400)), into: "activity")
        }
        func actions(_ filter: ActivityFilter) throws -> [String] { try fixture.catalog.activity(matching: filter).entries.map(\.action) }
        let all = try fixture.catalog.activity(matching: ActivityFilter(limit: 100))
        #expect(all.total == 6 && all.entries.count == 6)
        #expect(all.entries.map(\.action) == ["tags.remove", "tags.add", "library.created", "test.other-link", "test.through-link", "test.old"])
        #expect(try actions(ActivityFilter(since: Date().addingTimeInterval(-2 * 86_400)))
            == ["tags.remove", "tags.add", "library.created", "test.other-link", "test.through-link"])
        #expect(try actions(ActivityFilter(entity: .init(type: "library", id: "\(library.id!)"))) == ["library.created"])
        #expect(try actions(ActivityFilter(actorName: "sam")) == ["tags.add"])
        #expect(try actions(ActivityFilter(actorName: "ANA", entity: .init(type: "asset", id: asset))) == ["test.other-link", "test.through-link", "test.old"])
        #expect(try actions(ActivityFilter(entity: .init(type: "share_link", id: "7", throughShareLinkId: 7))) == ["test.through-link", "test.old"])
        #expect(try actions(ActivityFilter(entity: .init(type: "collection", id: "", title: "a1.jpg"))).isEmpty)
        #expect(try actions(ActivityFilter(entity: .init(type: "asset", id: "", title: "a1.jpg"))).count == 3)
        let page = try fixture.catalog.activity(matching: ActivityFilter(limit: 2, offset: 1))
        #expect(page.total == 6 && page.entries.map(\.action) == ["tags.add", "library.created"])
    }

    @Test(arguments: CatalogBackend.available)
    func theActivityLogIsFilteredByTimeActorAndEntity(_ backend: CatalogBackend) throws {
        let fixture = try ReviewFixture(in: dir, backend: backend)
        let review = ClientReviewService(comments: fixture.catalog, reviews: fixture.catalog)
        let share = try fixture.link(.comment)
        let image = try #require(share.asset(fixture.image.id!))
        _ = try review.postComment(content: "hello", authorName: "Ana", annotation: nil, parentId: nil, on: image, in: share,
                                   client: ShareClient(address: "10.1.1.1", userAgent: nil))
        _ = try review.decide(.approved, note: nil, authorName: "Ana", on: image, in: share, client: ShareClient(address: "10.1.1.1", userAgent: nil))
        var patch = AssetPatch()
        patch.name = "Harbour, dawn"
        _ = try fixture.catalog.updateAsset(id: fixture.video.id!, applying: patch, as: sam)
        // An old entry: ten days ago.
        try fixture.execute(sqlite: "UPDATE activity SET occurredAt = ? WHERE action = 'library.created'",
                            postgres: "UPDATE activity SET occurred_at = ? WHERE action = 'library.created'", [Date().addingTimeInterval(-10 * 86_400)])
        let activity = ActivityService(activity: fixture.catalog, collections: fixture.catalog, libraries: fixture.catalog,
                                       shares: fixture.shares)
        let all = try activity.entries(limit: 1_000)
        #expect(all.total == all.items.count)
        #expect(all.items.first?.action == "asset.updated")  // newest first
        #expect(all.items.contains { $0.action == "library.created" })
        #expect(try activity.entries(since: "7d").items.allSatisfy { $0.action != "library.created" })
        #expect(try activity.entries(since: "2000-01-01").total == all.total)
        #expect(try activity.entries(actor: "ana").items.map(\.action) == ["review.decided", "comment.created"])
        #expect(try activity.entries(actor: "SAM").items.map(\.action) == ["asset.updated"])
        #expect(try activity.entries(entity: "asset:\(fixture.image.id!)").items.map(\.action) == ["review.decided", "comment.created"])
        // A share entity shows the link's own entries and everything done through it.
        let throughLink = try activity.entries(entity: "share:\(share.link.token)").items.map(\.action)
        #expect(throughLink == ["review.decided", "comment.created", "share.created"])
        let picks = try activity.entries(entity: "collection:picks").items.map(\.action)
        #expect(picks == ["collection.items.added", "collection.created"])
        // A deleted collection is still found by its slug.
        try CollectionService(collections: fixture.catalog, assets: fixture.catalog).deleteCollection(slug: "other", by: sam)
        #expect(try activity.entries(entity: "collection:other").items.map(\.action) == ["collection.deleted", "collection.items.added", "collection.created"])
        #expect(try activity.entries(entity: "library:client-work").items.first?.action == "library.created")
        #expect(try activity.entries(limit: 2, offset: 1).items.count == 2)

        for (since, entity) in [("soon", nil), (nil, "asset:x"), (nil, "share:nope"), (nil, "nothing"), (nil, "library:none")] as [(String?, String?)] {
            #expect(throws: DomainError.self) { try activity.entries(since: since, entity: entity) }
        }
        #expect(throws: DomainError.self) { try activity.entries(limit: 0) }
        // `since` is the query language's grammar: a bare day is its first instant (UTC).
        #expect(try ActivityService.since("2026-01-31") == ISO8601DateFormatter().date(from: "2026-01-31T00:00:00Z"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try ActivityService.since("7d", now: now) == now.addingTimeInterval(-7 * 86_400))
        #expect(try ActivityService.since("2026-01-31T08:00:00Z") == ISO8601DateFormatter().date(from: "2026-01-31T08:00:00Z"))
    }

    @Test(arguments: CatalogBackend.available)
    func mutationsAreLoggedWithTheirActor(_ backend: CatalogBackend) throws {
        let fixture = try ReviewFixture(in: dir, backend: backend)
        let api = Actor(kind: .apiKey, name: "ci-publisher")
        let collections = CollectionService(collections: fixture.catalog, assets: fixture.catalog)
        _ = try collections.createCollection(name: "Press", by: api)
        _ = try collections.addAssets([fixture.image.id!], to: "press", by: api)
        #expect(try collections.removeAssets([fixture.image.id!], from: "press", by: api) == 1)
        try collections.deleteCollection(slug: "press", by: api)
        let keys = APIKeyService(keys: fixture.catalog)
        let (key, secret) = try keys.createKey(name: "robot", by: sam)
        try keys.revoke(prefix: key.prefix, by: sam)
        var patch = AssetPatch()
        patch.status = .rejected
        patch.addTags = ["old"]
        _ = try fixture.catalog.updateAsset(id: fixture.image.id!, applying: patch, as: api)
        let libraries = LibraryService(libraries: fixture.catalog, folders: fixture.catalog)
        _ = try libraries.createFolder(librarySlug: "client-work", path: "/a/b", by: sam)
        _ = try libraries.moveFolder(librarySlug: "client-work", from: "/a/b", to: "/c", by: sam)

        let entries = try fixture.activity().filter { $0.actorName != "system" }
        #expect(entries.map(\.action) == [
            "collection.created", "collection.items.added", "collection.items.removed", "collection.deleted",
            "apikey.created", "apikey.revoked", "asset.updated", "asset.rejected", "folder.created", "folder.moved",
        ])
        #expect(entries.prefix(4).allSatisfy { $0.actorType == "api_key" && $0.actorName == "ci-publisher" })
        #expect(entries[6].metadata?["fields"] == .array([.string("addTags"), .string("status")]))
        // The key itself is never logged, only its public prefix.
        #expect(!entries.contains { ($0.description ?? "").contains(secret) || $0.entityId.contains(secret) })
        #expect(entries[4].entityId == key.prefix)
        // The same entries through the reader behind `GET /api/v1/activity`, newest first.
        let read = try fixture.catalog.activity(matching: ActivityFilter(limit: 100)).entries.filter { $0.actorName != "system" }
        #expect(read.map(\.action) == entries.reversed().map(\.action))
        #expect(read.map(\.description) == entries.reversed().map(\.description))
        #expect(read.map(\.metadata) == entries.reversed().map(\.metadata))
    }

    @Test(arguments: CatalogBackend.available)
    func webhookJobsShareTheQueueButNotThePipelineWorkers(_ backend: CatalogBackend) throws {
        let fixture = try ReviewFixture(in: dir, backend: backend)
        let catalog = fixture.catalog
        let delivery = WebhookDelivery(endpointId: "abc", url: "http://127.0.0.1:1/hook", event: .commentCreated, activityId: 1, body: "{}")
        _ = try catalog.enqueue([Job(stage: .webhook, payload: try JSONValue.encoding(delivery), dedupeKey: "webhook:abc:1")])
        // Pipeline workers never claim it and do not wait for it.
        #expect(try catalog.claimJob(owner: .current, leaseSeconds: 60, batchId: nil, now: Date()) == nil)
        #expect(try catalog.jobCounts(batchId: nil)[.queued] == nil)
        let claimed = try #require(try catalog.claimWebhookJob(owner: .current, leaseSeconds: 60, now: Date()))
        #expect(claimed.stage == .webhook && claimed.attempts == 1)
        #expect(try catalog.claimWebhookJob(owner: .current, leaseSeconds: 60, now: Date()) == nil)
        // A lease that ran out is taken over.
        let later = Date().addingTimeInterval(120)
        #expect(try catalog.claimWebhookJob(owner: .current, leaseSeconds: 60, now: later)?.attempts == 2)
        // A delivery whose dispatcher died on its last attempt fails as a delivery: no ingest
        // failure, no pipeline event.
        let last = try #require(try catalog.claimWebhookJob(owner: .current, leaseSeconds: 60, now: later.addingTimeInterval(120)))
        #expect(last.attempts == last.maxAttempts)
        let reclaimed = try catalog.reclaimAbandonedJobs(now: later.addingTimeInterval(400))
        #expect(reclaimed.requeued == 0 && reclaimed.failed.isEmpty)
        let stored = try #require(try catalog.webhookJobs(limit: 10).first { $0.id == last.id })
        #expect(stored.status == .failed)
        #expect(stored.lastError?.contains("webhook dispatcher stopped") == true)
        #expect(try catalog.failures(includeResolved: true).isEmpty)
        #expect(try fixture.activity("ingest.failed").isEmpty)
    }
}

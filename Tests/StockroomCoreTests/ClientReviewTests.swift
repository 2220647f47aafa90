import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Client review through share links: comments, decisions, selections")
struct ClientReviewTests {
    let dir = TemporaryDirectory()
    let ana = ShareClient(address: "10.0.0.7", userAgent: "Browser/1")

    @Test("decisions and an EDIT link's selection on both catalogs: upsert, clear, state, selection collection, activity, cascade",
          arguments: CatalogBackend.available)
    func decisionsAndSelectionOnBothCatalogs(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try fixture.library("client-work")
        let image = try fixture.asset("harbour.jpg", in: library), video = try fixture.asset("boats.mp4", in: library, type: .videoEdited)
        let link = try fixture.shareLink("review-token", collection: try fixture.collection("picks", items: [image, video]))
        let client = Actor(kind: .client, name: "Ana")
        let catalog = fixture.catalog
        let approved = try catalog.recordReview(AssetReview(shareLinkId: link.id!, assetId: image.id!, decision: .approved, note: "lovely",
                                                            authorName: "Ana", decidedAt: QueryFixture.now),
                                                by: client, assetName: image.name, details: ["ipAddress": .string("10.0.0.7")])
        #expect(approved.id != nil && approved.decision == .approved && approved.note == "lovely")
        // The same decision again changes nothing and logs nothing; another one replaces it.
        _ = try catalog.recordReview(approved, by: client, assetName: image.name, details: [:])
        _ = try catalog.recordReview(AssetReview(shareLinkId: link.id!, assetId: video.id!, decision: .rejected, note: nil,
                                                 authorName: "Ana", decidedAt: QueryFixture.now), by: client, assetName: video.name, details: [:])
        let changed = try catalog.recordReview(AssetReview(shareLinkId: link.id!, assetId: image.id!, decision: .rejected, note: "too dark",
                                                           authorName: "Ana", decidedAt: QueryFixture.now.addingTimeInterval(60)),
                                               by: client, assetName: image.name, details: [:])
        #expect(changed.id == approved.id && changed.decision == .rejected)
        #expect(try catalog.reviews(shareLinkId: link.id!).map { "\($0.assetId):\($0.decision.rawValue)" }
                == ["\(image.id!):REJECTED", "\(video.id!):REJECTED"])
        _ = try catalog.recordReview(AssetReview(shareLinkId: link.id!, assetId: video.id!, decision: .open, note: nil,
                                                 authorName: "Ana", decidedAt: QueryFixture.now), by: client, assetName: video.name, details: [:])
        #expect(try catalog.reviews(shareLinkId: link.id!).map(\.assetId) == [image.id!])

        // The selection: a LIGHTBOX collection made on the first pick and remembered on the link.
        let none = try catalog.setSelected(false, assetId: video.id!, assetName: video.name, link: link, name: "Ana's picks",
                                           by: client, details: [:], now: QueryFixture.now)
        #expect(none == ShareSelection(collectionSlug: nil, assetIds: []))
        var selection = try catalog.setSelected(true, assetId: video.id!, assetName: video.name, link: link, name: "Ana's picks",
                                                by: client, details: [:], now: QueryFixture.now)
        selection = try catalog.setSelected(true, assetId: image.id!, assetName: image.name, link: link, name: "Ana's picks",
                                            by: client, details: [:], now: QueryFixture.now)
        selection = try catalog.setSelected(true, assetId: image.id!, assetName: image.name, link: link, name: "Ana's picks",
                                            by: client, details: [:], now: QueryFixture.now)
        #expect(selection == ShareSelection(collectionSlug: "selection-\(link.id!)", assetIds: [video.id!, image.id!]))
        let lightbox = try #require(try catalog.collection(slug: "selection-\(link.id!)", organizationId: Organization.defaultId))
        #expect(lightbox.collectionType == .lightbox)
        selection = try catalog.setSelected(false, assetId: video.id!, assetName: video.name, link: link, name: "Ana's picks",
                                            by: client, details: [:], now: QueryFixture.now)
        #expect(selection.assetIds == [image.id!])

        let state = try catalog.reviewState(of: link)
        #expect(state.reviews.keys.sorted() == [image.id!] && state.reviews[image.id!]?.note == "too dark")
        #expect(state.selected == [image.id!])
        // (The selection's collection.created is left out by the fixture, with its own setup entries.)
        #expect(try fixture.activities().map(\.action) == ["review.decided", "review.decided", "review.decided", "review.decided",
                                                            "selection.added", "selection.added", "selection.removed"])
        try fixture.deleteRow(from: "asset", id: image.id!)
        #expect(try catalog.reviews(shareLinkId: link.id!).isEmpty)
    }

    @Test func commentTextNamesAndAnnotationsAreValidated() throws {
        let fixture = try ReviewFixture(in: dir)
        #expect(try CommentRules.content("  looks good \n") == "looks good")
        #expect(throws: DomainError.self) { try CommentRules.content("   \n ") }
        #expect(throws: DomainError.self) { try CommentRules.content(String(repeating: "a", count: 5_001)) }
        #expect(try CommentRules.content(String(repeating: "a", count: 5_000)).count == 5_000)
        #expect(throws: DomainError.self) { try CommentRules.content("bell \u{7}") }
        #expect(try CommentRules.content("two\nlines\ttabbed") == "two\nlines\ttabbed")
        #expect(throws: DomainError.self) { try CommentRules.name(nil) }
        #expect(throws: DomainError.self) { try CommentRules.name(String(repeating: "n", count: 81)) }
        #expect(throws: DomainError.self) { try CommentRules.name("Ana\nEvil") }
        #expect(try CommentRules.name("  Ana Lima ") == "Ana Lima")

        let ok: [(Annotation, Asset)] = [
            (.point(x: 0, y: 1), fixture.image), (.point(x: 0.5, y: 0.25), fixture.video),
            (.rect(x: 0.2, y: 0.2, width: 0.8, height: 0.8), fixture.image),
            (.timestamp(time: 12.5), fixture.video), (.timestamp(time: 0), fixture.audio), (.timestamp(time: 29.9), fixture.audio),
        ]
        for (annotation, asset) in ok { try CommentRules.validate(annotation, for: asset) }
        let refused: [(Annotation, Asset, String)] = [
            (.point(x: 1.01, y: 0.5), fixture.image, "fractions"), (.point(x: -0.1, y: 0.5), fixture.image, "fractions"),
            (.point(x: .nan, y: 0.5), fixture.image, "fractions"), (.point(x: .infinity, y: 0.5), fixture.image, "fractions"),
            (.rect(x: 0.5, y: 0.5, width: 0.6, height: 0.1), fixture.image, "within"),
            (.rect(x: 0.1, y: 0.1, width: 0, height: 0.1), fixture.image, "within"),
            (.rect(x: 0.1, y: 0.1, width: 0.2, height: -0.1), fixture.image, "within"),
            (.timestamp(time: 3), fixture.image, "video or audio"), (.timestamp(time: 12.6), fixture.video, "past the end"),
            (.timestamp(time: -1), fixture.audio, "0 or more"), (.point(x: 0.5, y: 0.5), fixture.audio, "no picture"),
            (.rect(x: 0.1, y: 0.1, width: 0.1, height: 0.1), fixture.audio, "no picture"),
        ]
        for (annotation, asset, words) in refused {
            do {
                try CommentRules.validate(annotation, for: asset)
                Issue.record("\(annotation) on \(asset.name) was accepted")
            } catch {
                #expect("\(error)".contains(words), "\(annotation): \(error)")
            }
        }
        // No known duration: a timestamp cannot be checked and is refused.
        var unknown = fixture.video
        unknown.durationSeconds = nil
        #expect(throws: DomainError.self) { try CommentRules.validate(.timestamp(time: 1), for: unknown) }
    }

    @Test func clientsCommentInTheirOwnThreadsAndStaffRepliesReachThem() throws {
        let fixture = try ReviewFixture(in: dir)
        let review = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!)
        let first = try fixture.link(.comment), second = try fixture.link(.comment)
        let image = try #require(first.asset(fixture.image.id!))

        let pinned = try review.postComment(content: "Crop tighter here", authorName: "Ana", annotation: .point(x: 0.25, y: 0.4),
                                            parentId: nil, on: image, in: first, client: ana)
        #expect(pinned.authorType == "client")
        #expect(pinned.authorName == "Ana")
        #expect(pinned.shareLinkId == first.link.id)
        #expect(pinned.annotation == .point(x: 0.25, y: 0.4))
        let reply = try review.postComment(content: "And warmer", authorName: "Ana", annotation: nil, parentId: pinned.id,
                                           on: image, in: first, client: ana)
        // Staff: a reply in the client's thread, and a comment of their own that stays internal.
        let staff = CommentService(comments: fixture.home.sqliteCatalog!, assets: fixture.home.sqliteCatalog!)
        let answer = try staff.reply(to: pinned.id!, content: "Will do", by: Actor(kind: .user, name: "sam"))
        _ = try staff.add(assetId: fixture.image.id!, content: "internal: check the licence", by: Actor(kind: .user, name: "sam"))

        let seen = try review.threads(of: image, in: first)
        #expect(seen.count == 1)
        #expect(seen[0].comment.id == pinned.id)
        #expect(Set(seen[0].replies.map { $0.comment.id! }) == [reply.id!, answer.id!])
        // Another link on the same asset sees none of it, and cannot reply into it.
        let other = try #require(second.asset(fixture.image.id!))
        #expect(try review.threads(of: other, in: second).isEmpty)
        #expect(throws: DomainError.self) {
            try review.postComment(content: "hijack", authorName: "Eve", annotation: nil, parentId: pinned.id, on: other, in: second, client: ana)
        }
        // A parent on another asset of the same link is refused too.
        let video = try #require(first.asset(fixture.video.id!))
        #expect(throws: DomainError.self) {
            try review.postComment(content: "x", authorName: "Ana", annotation: nil, parentId: pinned.id, on: video, in: first, client: ana)
        }
        // A timestamp on the video, checked against its duration.
        let timed = try review.postComment(content: "Cut here", authorName: "Ana", annotation: .timestamp(time: 7.25), parentId: nil,
                                           on: video, in: first, client: ana)
        #expect(timed.annotation == .timestamp(time: 7.25))
        #expect(throws: DomainError.self) {
            try review.postComment(content: "Too late", authorName: "Ana", annotation: .timestamp(time: 99), parentId: nil, on: video, in: first, client: ana)
        }

        // Staff listings: by link (threads started through it, staff replies included), by asset, unresolved.
        let byLink = try staff.list(CommentFilter(shareLinkId: first.link.id))
        #expect(Set(byLink.map(\.id!)) == [pinned.id!, reply.id!, answer.id!, timed.id!])
        #expect(try staff.list(CommentFilter(assetId: fixture.image.id!)).count == 4)
        _ = try staff.resolve(pinned.id!, by: Actor(kind: .user, name: "sam"))
        #expect(try staff.list(CommentFilter(shareLinkId: first.link.id, unresolvedOnly: true)).map(\.id!).sorted() == [reply.id!, answer.id!, timed.id!].sorted())

        // The resolved link counts comments per asset in its threads.
        let reloaded = try fixture.reload(first)
        #expect(reloaded.review.commentCounts[fixture.image.id!] == 3)
        #expect(reloaded.review.commentCounts[fixture.video.id!] == 1)
        #expect(try fixture.reload(second).review.commentCounts.isEmpty)

        // Every comment is in the activity log with its actor; client ones name the link and address.
        let created = try fixture.activity("comment.created")
        #expect(created.count == 5)
        #expect(created[0].actorType == "client" && created[0].actorName == "Ana")
        #expect(created[0].metadata?["shareLinkId"] == .number(Double(first.link.id!)))
        #expect(created[0].metadata?["clientAddress"] == .string("10.0.0.7"))
        #expect(created[2].actorType == "user" && created[2].actorName == "sam")
        #expect(try fixture.activity("comment.resolved").count == 1)
    }

    @Test func viewAndDownloadLinksRefuseEveryReviewAction() throws {
        let fixture = try ReviewFixture(in: dir)
        let review = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!)
        for level in [ShareAccessLevel.view, .download] {
            let share = try fixture.link(level)
            let asset = try #require(share.asset(fixture.image.id!))
            #expect(throws: ShareAccessError.self) { try review.threads(of: asset, in: share) }
            #expect(throws: ShareAccessError.self) {
                try review.postComment(content: "hi", authorName: "Ana", annotation: nil, parentId: nil, on: asset, in: share, client: ana)
            }
            #expect(throws: ShareAccessError.self) { try review.decide(.approved, note: nil, authorName: "Ana", on: asset, in: share, client: ana) }
            #expect(throws: ShareAccessError.self) { try review.select(true, authorName: "Ana", on: asset, in: share, client: ana) }
        }
        // COMMENT links review but do not pick.
        let comment = try fixture.link(.comment)
        #expect(throws: ShareAccessError.notAllowed("This link does not let you pick a selection.")) {
            try review.select(true, authorName: "Ana", on: try #require(comment.asset(fixture.image.id!)), in: comment, client: ana)
        }
        #expect(try fixture.activity("comment.created").isEmpty)
    }

    @Test func commentsAreRateLimitedPerAddressAndCappedPerLink() throws {
        let fixture = try ReviewFixture(in: dir)
        let limiter = ClientActionLimiter(limits: [.comment: .init(perAddress: 3, perLink: 5)], window: 600)
        let review = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!, limiter: limiter, commentCap: 7)
        let share = try fixture.link(.comment)
        let image = try #require(share.asset(fixture.image.id!))
        func post(from address: String) throws {
            _ = try review.postComment(content: "note", authorName: "Ana", annotation: nil, parentId: nil, on: image, in: share,
                                       client: ShareClient(address: address, userAgent: nil))
        }
        for _ in 0..<3 { try post(from: "10.0.0.1") }
        do {
            try post(from: "10.0.0.1")
            Issue.record("a fourth comment from one address went through")
        } catch ShareAccessError.rateLimited(let seconds) {
            #expect(seconds > 0 && seconds <= 600)
        }
        try post(from: "10.0.0.2")
        try post(from: "10.0.0.2")
        // Five per link from all addresses.
        #expect(throws: ShareAccessError.self) { try post(from: "10.0.0.3") }
        // Invalid comments are refused before they count.
        #expect(throws: DomainError.self) {
            _ = try review.postComment(content: "", authorName: "Ana", annotation: nil, parentId: nil, on: image, in: share, client: ana)
        }
        // The cap holds whatever the limiter allows (a restart forgets the limiter, not the catalog).
        let generous = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!, commentCap: 7)
        for _ in 0..<2 {
            _ = try generous.postComment(content: "more", authorName: "Ana", annotation: nil, parentId: nil, on: image, in: share, client: ana)
        }
        #expect(throws: ShareAccessError.notAllowed("This link has reached its limit of 7 comments.")) {
            _ = try generous.postComment(content: "one too many", authorName: "Ana", annotation: nil, parentId: nil, on: image, in: share, client: ana)
        }
        let count = try fixture.home.sqliteCatalog!.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM comment") }
        #expect(count == 7)
    }

    @Test func decisionsAreRecordedPerLinkAndSummed() throws {
        let fixture = try ReviewFixture(in: dir)
        let review = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!)
        let share = try fixture.link(.comment), other = try fixture.link(.comment)
        let image = try #require(share.asset(fixture.image.id!)), video = try #require(share.asset(fixture.video.id!))
        let approved = try review.decide(.approved, note: "  lovely  ", authorName: "Ana", on: image, in: share, client: ana)
        #expect(approved.decision == .approved && approved.note == "lovely" && approved.authorName == "Ana")
        _ = try review.decide(.rejected, note: nil, authorName: "Ben", on: video, in: share, client: ana)
        // A cached link sees the change at once: the commit marked the change counter stale.
        #expect(fixture.home.sqliteCatalog!.database.changes.knownVersion() == nil)
        // The same decision again changes and logs nothing.
        _ = try review.decide(.approved, note: "lovely", authorName: "Ana", on: image, in: share, client: ana)

        var reloaded = try fixture.reload(share)
        #expect(reloaded.review.decision(of: fixture.image.id!) == .approved)
        #expect(reloaded.review.decision(of: fixture.video.id!) == .rejected)
        #expect(reloaded.review.decision(of: fixture.audio.id!) == .open)
        let summary = ReviewSummary(assetIds: reloaded.visibleAssets().map(\.id), reviews: reloaded.review.reviews)
        #expect(summary.description == "1 approved, 1 rejected, 1 open")
        // Decisions belong to their link.
        #expect(try fixture.reload(other).review.reviews.isEmpty)

        // Clearing removes the decision; the history stays in the activity log.
        _ = try review.decide(.open, note: "ignored", authorName: "Ana", on: video, in: share, client: ana)
        reloaded = try fixture.reload(share)
        #expect(reloaded.review.decision(of: fixture.video.id!) == .open)
        let decided = try fixture.activity("review.decided")
        #expect(decided.map { $0.metadata?["decision"]?.stringValue } == ["APPROVED", "REJECTED", "OPEN"])
        #expect(decided.map(\.actorName) == ["Ana", "Ben", "Ana"])
        #expect(decided[2].metadata?["previousDecision"] == .string("REJECTED"))

        // Staff see every asset of the link with its decision.
        let report = try fixture.shares.reviewReport(token: share.link.token)
        #expect(report.summary.description == "1 approved, 0 rejected, 2 open")
        #expect(report.assets.map(\.assetId) == [fixture.image.id!, fixture.video.id!, fixture.audio.id!])
        #expect(report.assets[0].decidedBy == "Ana" && report.assets[0].note == "lovely")

        #expect(throws: DomainError.self) { try review.decide(.approved, note: String(repeating: "n", count: 2_001), authorName: "Ana", on: image, in: share, client: ana) }
        #expect(throws: DomainError.self) { try review.decide(.approved, note: nil, authorName: " ", on: image, in: share, client: ana) }
        #expect(ReviewDecision(input: "approve") == .approved && ReviewDecision(input: "Rejected") == .rejected && ReviewDecision(input: "clear") == .open)
        #expect(ReviewDecision(input: "maybe") == nil)
    }

    @Test func editLinksPickIntoALightboxStaffCanOpen() throws {
        let fixture = try ReviewFixture(in: dir)
        let review = ClientReviewService(comments: fixture.home.sqliteCatalog!, reviews: fixture.home.sqliteCatalog!)
        let share = try fixture.link(.edit, recipient: "ana@example.com")
        let image = try #require(share.asset(fixture.image.id!)), audio = try #require(share.asset(fixture.audio.id!))
        var selection = try review.select(true, authorName: "Ana", on: image, in: share, client: ana)
        selection = try review.select(true, authorName: "Ana", on: audio, in: share, client: ana)
        #expect(selection.assetIds == [fixture.image.id!, fixture.audio.id!])
        selection = try review.select(false, authorName: "Ana", on: image, in: share, client: ana)
        #expect(selection.assetIds == [fixture.audio.id!])
        let slug = try #require(selection.collectionSlug)
        let details = try CollectionService(collections: fixture.home.sqliteCatalog!, assets: fixture.home.sqliteCatalog!).details(slug: slug)
        #expect(details.collection.collectionType == .lightbox)
        #expect(details.collection.name == "Selection: Picks (ana@example.com)")
        #expect(details.items.map(\.assetId) == [fixture.audio.id!])
        #expect(try fixture.reload(share).review.selected == [fixture.audio.id!])
        #expect(try fixture.shares.summary(token: share.link.token).selectionCollectionId == details.collection.id)
        // EDIT links review as COMMENT links do.
        _ = try review.decide(.approved, note: nil, authorName: "Ana", on: image, in: share, client: ana)
        #expect(try fixture.activity("selection.added").count == 2)
        #expect(try fixture.activity("selection.removed").count == 1)
        // If staff delete the selection, the next pick starts a new one.
        try CollectionService(collections: fixture.home.sqliteCatalog!, assets: fixture.home.sqliteCatalog!).deleteCollection(slug: slug, by: .system)
        let again = try review.select(true, authorName: "Ana", on: image, in: share, client: ana)
        #expect(again.assetIds == [fixture.image.id!])
        #expect(again.collectionSlug != nil)
    }
}

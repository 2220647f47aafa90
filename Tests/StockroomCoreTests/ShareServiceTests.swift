import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Share links, tokens and API keys, on both catalogs")
struct ShareServiceTests {
    @Test func tokensAre256BitURLSafeAndDistinct() {
        let tokens = (0..<200).map { _ in SecretToken.generate() }
        #expect(Set(tokens).count == 200)
        #expect(tokens.allSatisfy { $0.utf8.count == 43 && SecretToken.isWellFormed($0) })
        #expect(SecretToken.constantTimeEquals(tokens[0], tokens[0]))
        #expect(!SecretToken.constantTimeEquals(tokens[0], tokens[1]))
        #expect(!SecretToken.constantTimeEquals(tokens[0], String(tokens[0].dropLast())))
    }

    @Test func expiriesParseDurationsAndDates() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try ShareExpiry.parse("7d", now: now) == now.addingTimeInterval(7 * 86_400))
        #expect(try ShareExpiry.parse("12h", now: now) == now.addingTimeInterval(12 * 3_600))
        #expect(try ShareExpiry.parse("2w", now: now) == now.addingTimeInterval(14 * 86_400))
        #expect(try ShareExpiry.parse("2026-12-31", now: now) == ISO8601DateFormatter().date(from: "2026-12-31T23:59:59Z"))
        #expect(throws: DomainError.self) { try ShareExpiry.parse("soon", now: now) }
    }

    @Test(arguments: CatalogBackend.available)
    func linksAreFoundByTokenAndTheirRulesHold(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let home = fixture.home
        let library = try LibraryService(libraries: home.catalog, folders: home.catalog).createLibrary(name: "Lib", by: .system)
        let asset = try fixture.asset("One", in: library)
        let shares = ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, bcryptCost: 4)
        let link = try shares.createShare(ShareRequest(target: .asset(id: asset.id!), password: "pw", maxDownloads: 2), by: .system)
        #expect(link.passwordHash?.hasPrefix("$2") == true)
        #expect(link.passwordHash?.contains("pw") == false)
        #expect(try shares.openLink(token: link.token).id == link.id)
        #expect(shares.passwordMatches("pw", for: link))
        #expect(!shares.passwordMatches("PW", for: link))
        // Same 8-character prefix, different token: not found.
        #expect(throws: ShareAccessError.notFound) { try shares.openLink(token: String(link.token.prefix(8)) + String(repeating: "A", count: 35)) }
        let content = try shares.content(of: link)
        #expect(content.assets.map(\.id) == [asset.id!])
        try shares.takeDownload(of: link, downloadsAllowed: content.downloadsAllowed)
        try shares.takeDownload(of: link, downloadsAllowed: content.downloadsAllowed)
        #expect(throws: ShareAccessError.downloadNotAllowed("This link has reached its download limit.")) { try shares.takeDownload(of: link, downloadsAllowed: content.downloadsAllowed) }
        let ana = Actor(kind: .user, name: "ana")
        _ = try shares.revoke(token: link.token, by: ana)
        _ = try shares.revoke(token: link.token, by: ana)
        #expect(throws: ShareAccessError.notFound) { try shares.openLink(token: link.token) }
        #expect(try shares.allShares().first?.state == .revoked)

        // Creating and revoking are in the activity log (revoking twice logs once); the token never is.
        let activity = try fixture.activities().filter { $0.entityType == "share_link" }
        #expect(activity.map(\.action) == ["share.created", "share.revoked"])
        #expect(activity.map(\.entityId) == [String(link.id!), String(link.id!)])
        #expect(activity.map(\.actorName) == ["system", "ana"])
        #expect(activity.first?.entityTitle == "asset:\(asset.id!)")
        #expect(activity.first?.metadata?["passwordProtected"] == .bool(true))
        #expect(activity.first?.metadata?["maxDownloads"] == .number(2))
        let logged = try String(decoding: JSONEncoder().encode(activity), as: UTF8.self)
        #expect(!logged.contains(link.token))

        // A collection's link is named by the collection's slug, when made and when revoked.
        try fixture.collection("summer", items: [asset])
        let shared = try shares.createShare(ShareRequest(target: .collection(slug: "summer")), by: ana)
        #expect(try shares.content(of: shared).assets.map(\.id) == [asset.id!])
        _ = try shares.revoke(token: shared.token, by: ana)
        let titles = try fixture.activities().filter { $0.entityType == "share_link" && $0.entityId == String(shared.id!) }.map(\.entityTitle)
        #expect(titles == ["collection:summer", "collection:summer"])
        #expect(throws: DomainError.self) { try shares.createShare(ShareRequest(target: .collection(slug: "nope")), by: .system) }
        #expect(throws: DomainError.self) {
            try shares.createShare(ShareRequest(target: .asset(id: asset.id!), expiresAt: Date().addingTimeInterval(-1)), by: .system)
        }
    }

    @Test func sessionCookiesAreBoundToTheLinkAndExpire() {
        let signer = ShareSessionSigner(secret: Data(repeating: 7, count: 32), lifetime: 60)
        var link = ShareLink(id: 1, token: SecretToken.generate(), collectionId: 1, passwordHash: "$2b$hash")
        let now = Date()
        let value = signer.sign(link, now: now)
        #expect(signer.verify(value, for: link, now: now))
        #expect(!signer.verify(value, for: link, now: now.addingTimeInterval(61)))
        #expect(!ShareSessionSigner(secret: Data(repeating: 8, count: 32)).verify(value, for: link, now: now))
        link.passwordHash = "$2b$changed"
        #expect(!signer.verify(value, for: link, now: now))
    }

    @Test(arguments: CatalogBackend.available)
    func apiKeysAreShownOnceStoredHashedAndRevocable(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        defer { withExtendedLifetime(fixture) {} }
        let home = fixture.home
        let keys = APIKeyService(keys: home.catalog)
        let (key, secret) = try keys.createKey(name: "publisher")
        #expect(secret.hasPrefix("srk_") && secret.count == 47)
        #expect(key.prefix == String(secret.prefix(12)))
        #expect(key.keyHash == SecretToken.sha256Hex(secret))
        #expect(keys.authenticate(secret)?.id == key.id)
        #expect(keys.authenticate(secret + "x") == nil)
        #expect(keys.authenticate(String(secret.prefix(46)) + (secret.hasSuffix("A") ? "B" : "A")) == nil)
        try keys.revoke(prefix: key.prefix)
        #expect(keys.authenticate(secret) == nil)
        #expect(throws: DomainError.self) { try keys.revoke(prefix: key.prefix) }
    }

    @Test func passwordAttemptsAreLimitedPerAddressWithinAWindow() {
        let limiter = PasswordAttemptLimiter(maxPerAddress: 3, window: 60)
        let t0 = Date()
        for i in 0..<3 {
            guard case let .granted(reservation) = limiter.reserve(address: "10.0.0.1", linkId: 1, now: t0.addingTimeInterval(Double(i))) else {
                Issue.record("attempt \(i) refused")
                return
            }
            limiter.settle(reservation, succeeded: false)
        }
        #expect(limiter.reserve(address: "10.0.0.1", linkId: 1, now: t0.addingTimeInterval(3)) == .refused(retryAfterSeconds: 57))
        if case .refused = limiter.reserve(address: "10.0.0.2", linkId: 1, now: t0.addingTimeInterval(3)) { Issue.record("other address refused") }
        if case .refused = limiter.reserve(address: "10.0.0.1", linkId: 1, now: t0.addingTimeInterval(61)) { Issue.record("window did not pass") }
    }
}

import Foundation
import GRDB
import Testing
@testable import StockroomCore

@Suite("License management and audits on a real catalog")
struct LicenseAuditTests {
    let fixture: QueryFixture
    let service: LicenseService
    let assets: [String: Asset]

    init(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        self.fixture = fixture
        service = LicenseService(licenses: fixture.catalog, clock: { QueryFixture.now })
        var assets: [String: Asset] = [:]
        let internalLibrary = try fixture.library("brand")
        let publicLibrary = try fixture.library("press", visibility: .public)
        let now = QueryFixture.now
        let day = QueryFixture.days(1)
        func add(_ name: String, in library: Library, _ edit: (inout Asset) -> Void) throws {
            assets[name] = try fixture.asset(name, in: library, edit)
        }
        try add("clean.jpg", in: internalLibrary) { $0.expiresAt = now.addingTimeInterval(90 * day) }
        try add("expired.jpg", in: internalLibrary) { $0.license = .rightsManaged; $0.expiresAt = now.addingTimeInterval(-2 * day) }
        try add("expiring.jpg", in: internalLibrary) { $0.license = .royaltyFree; $0.expiresAt = now.addingTimeInterval(10 * day) }
        try add("unlicensed.jpg", in: internalLibrary) { $0.license = nil }
        try add("unknown.jpg", in: internalLibrary) { $0.license = .unknown; $0.copyrightHolder = "" }
        try add("editorial-public.jpg", in: publicLibrary) { $0.license = .editorialOnly }
        try add("internal-shared.jpg", in: internalLibrary) { $0.license = .internalOnly }
        try add("internal-unshared.jpg", in: internalLibrary) { $0.license = .internalOnly }
        try add("expired-shared.jpg", in: internalLibrary) { $0.expiresAt = now.addingTimeInterval(-30 * day) }
        try add("expired-in-collection.jpg", in: internalLibrary) { $0.expiresAt = now.addingTimeInterval(-1 * day) }
        let shared = try fixture.collection("shared", items: [assets["internal-shared.jpg"]!, assets["expired-in-collection.jpg"]!])
        try fixture.shareLink("collection-link", collection: shared)
        try fixture.shareLink("direct-link", asset: assets["expired-shared.jpg"]!)
        // Links that no longer serve do not expose anything.
        let unshared = try fixture.collection("unshared", items: [assets["internal-unshared.jpg"]!])
        try fixture.shareLink("revoked", collection: unshared, revokedAt: now.addingTimeInterval(-day))
        try fixture.shareLink("lapsed", collection: unshared, expiresAt: now.addingTimeInterval(-day))
        self.assets = assets
    }

    func findings(_ report: LicenseAuditReport, _ findingClass: LicenseFindingClass) -> [String] {
        report.findings.filter { $0.findingClass == findingClass }.map(\.assetName).sorted()
    }

    @Test("the audit reports every class", arguments: CatalogBackend.available)
    static func classes(_ backend: CatalogBackend) throws { try Self(backend).classesBody() }
    func classesBody() throws {
        let report = try service.audit(expiringWithin: QueryFixture.days(30), apply: false, by: .system)
        #expect(report.assetsAudited == 10)
        #expect(findings(report, .expired) == ["expired-in-collection.jpg", "expired-shared.jpg", "expired.jpg"])
        #expect(findings(report, .expiring) == ["expiring.jpg"])
        #expect(findings(report, .unknown) == ["unknown.jpg", "unlicensed.jpg"])
        #expect(findings(report, .missingCopyright) == ["unknown.jpg"])
        #expect(findings(report, .restrictedExposed) == ["editorial-public.jpg", "internal-shared.jpg"])
        #expect(findings(report, .expiredShared) == ["expired-in-collection.jpg", "expired-shared.jpg"])
        #expect(report.counts == ["expired": 3, "expiring": 1, "unknown": 2, "missing-copyright": 1,
                                  "restricted-exposed": 2, "expired-shared": 2])
        #expect(report.assetsWithFindings == 8)
        let details = Dictionary(report.findings.map { ("\($0.assetName) \($0.findingClass.rawValue)", $0.detail) }) { a, _ in a }
        #expect(details["expired.jpg expired"] == "license ended 2026-06-13")
        #expect(details["expiring.jpg expiring"] == "license ends 2026-06-25 (in 10 days)")
        #expect(details["unlicensed.jpg unknown"] == "no license recorded")
        #expect(details["unknown.jpg unknown"] == "license UNKNOWN")
        #expect(details["editorial-public.jpg restricted-exposed"] == "EDITORIAL_ONLY in PUBLIC library press")
        #expect(details["internal-shared.jpg restricted-exposed"] == "INTERNAL_ONLY shared by an active link")
        // A wider window catches the 90-day license too.
        let wide = try service.audit(expiringWithin: QueryFixture.days(120), apply: false, by: .system)
        #expect(findings(wide, .expiring) == ["clean.jpg", "expiring.jpg"])
    }

    @Test("exit status follows --fail-on")
    static func exitStatus() throws { try Self(.sqlite).exitStatusBody() }
    func exitStatusBody() throws {
        let report = try service.audit(expiringWithin: QueryFixture.days(30), apply: false, by: .system)
        #expect(report.exitStatus(failOn: []) == 0)
        #expect(report.exitStatus(failOn: [.expired]) == 1)
        #expect(report.exitStatus(failOn: [.missingCopyright, .unknown]) == 1)
        #expect(report.failing(on: Set(LicenseFindingClass.allCases)) == LicenseFindingClass.allCases)

        let clean = try QueryFixture()
        let library = try clean.library("clean")
        try clean.asset("ok.jpg", in: library)
        let cleanReport = try LicenseService(licenses: clean.catalog, clock: { QueryFixture.now })
            .audit(expiringWithin: QueryFixture.days(30), apply: false, by: .system)
        #expect(cleanReport.findings.isEmpty)
        #expect(cleanReport.exitStatus(failOn: Set(LicenseFindingClass.allCases)) == 0)
        #expect(cleanReport.summaryLine == "Audited 1 assets, 0 with findings: 0 expired, 0 expiring, 0 unknown, 0 missing-copyright, 0 restricted-exposed, 0 expired-shared.")
    }

    @Test("CSV and JSON outputs have the documented columns and keys", arguments: CatalogBackend.available)
    static func formats(_ backend: CatalogBackend) throws { try Self(backend).formatsBody() }
    func formatsBody() throws {
        let report = try service.audit(expiringWithin: QueryFixture.days(30), apply: false, by: .system)
        let csv = CSVText.document(header: LicenseAuditReport.csvHeader, rows: report.csvRows)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "assetId,assetName,library,class,license,expiresAt,status,detail")
        #expect(lines.count == report.findings.count + 1)
        let expired = try #require(lines.first { $0.contains(",expired.jpg,") })
        #expect(expired == "\(assets["expired.jpg"]!.id!),expired.jpg,brand,expired,RIGHTS_MANAGED,2026-06-13T12:00:00Z,APPROVED,license ended 2026-06-13")
        #expect(CSVText.field("a, \"b\"") == "\"a, \"\"b\"\"\"")

        let json = try JSONSerialization.jsonObject(with: JSONEncoder.stockroom.encode(report)) as! [String: Any]
        #expect(Set(json.keys) == ["generatedAt", "expiringBefore", "assetsAudited", "assetsWithFindings", "counts", "findings"])
        let first = (json["findings"] as! [[String: Any]])[0]
        #expect(Set(first.keys) == ["assetId", "assetName", "library", "class", "license", "expiresAt", "status", "detail"])
        #expect(json["generatedAt"] as? String == "2026-06-15T12:00:00Z")
    }

    @Test("--apply expires assets, revokes their direct links, logs once, and is idempotent")
    static func applyIsIdempotent() throws { try Self(.sqlite).applyIsIdempotentBody() }
    func applyIsIdempotentBody() throws {
        let first = try service.audit(expiringWithin: QueryFixture.days(30), apply: true, by: .system)
        #expect(first.applied == ExpiryWithdrawal(assetsExpired: 3, shareLinksRevoked: 1))
        #expect(try fixture.names("status:expired") == ["expired-in-collection.jpg", "expired-shared.jpg", "expired.jpg"])
        let direct = try fixture.sqlite.writer.read { db in
            try ShareLink.filter(ShareLink.Columns.token == "direct-link").fetchOne(db)
        }
        #expect(direct?.revokedAt == QueryFixture.now)
        let collectionLink = try fixture.sqlite.writer.read { db in
            try ShareLink.filter(ShareLink.Columns.token == "collection-link").fetchOne(db)
        }
        #expect(collectionLink?.revokedAt == nil)  // the collection stays shared; its expired items stop being served
        #expect(try fixture.activities().map(\.action) == ["license.withdraw-expired"])

        let second = try service.audit(expiringWithin: QueryFixture.days(30), apply: true, by: .system)
        #expect(second.applied == ExpiryWithdrawal(assetsExpired: 0, shareLinksRevoked: 0))
        #expect(second.count(.expired) == 0)
        #expect(second.count(.expiredShared) == 0)
        #expect(second.exitStatus(failOn: [.expired]) == 0)
        #expect(try fixture.activities().count == 1)
    }

    @Test("license set and clear change only what differs, with dry run and one log entry")
    static func setAndClear() throws { try Self(.sqlite).setAndClearBody() }
    func setAndClearBody() throws {
        let expires = ISO8601DateFormatter().date(from: "2027-01-01T00:00:00Z")!
        let change = LicenseChange(license: .royaltyFree, expiresAt: expires, copyrightHolder: "Getty Images",
                                   usageRights: "web and print", details: .object(["invoice": .string("INV-7")]))
        let selection = AssetSelection.query(try AssetQuery.parse("name:exp*"))
        let dry = try service.set(change, on: selection, dryRun: true, by: .system)
        #expect(dry.matched == 4)
        #expect(dry.changed == 4)
        #expect(try fixture.names("license:royalty_free") == ["expiring.jpg"])

        let report = try service.set(change, on: selection, by: .system)
        #expect(report.changed == 4)
        #expect(try fixture.names("license:royalty_free") == ["expired-in-collection.jpg", "expired-shared.jpg", "expired.jpg", "expiring.jpg"])
        #expect(try fixture.names("expires:2027-01-01") == ["expired-in-collection.jpg", "expired-shared.jpg", "expired.jpg", "expiring.jpg"])
        #expect(try fixture.names("copyright:getty") .count == 4)
        let stored = try fixture.sqlite.writer.read { db in try Asset.fetchOne(db, key: assets["expired.jpg"]!.id!) }
        #expect(stored?.licenseDetails == .object(["invoice": .string("INV-7")]))
        #expect(stored?.usageRights == "web and print")
        let again = try service.set(change, on: selection, by: .system)
        #expect(again.changed == 0)

        let cleared = try service.clear(on: .query(try AssetQuery.parse("name:expired.jpg")), by: .system)
        #expect(cleared.changed == 1)
        let after = try fixture.sqlite.writer.read { db in try Asset.fetchOne(db, key: assets["expired.jpg"]!.id!) }
        #expect(after?.license == nil)
        #expect(after?.expiresAt == nil)
        #expect(after?.licenseDetails == nil)
        #expect(after?.copyrightHolder == "Getty Images")
        #expect(try fixture.activities().map(\.action) == ["license.set", "license.clear"])
        #expect(try fixture.activities()[0].metadata?["query"] == .string("name:exp*"))
    }
}

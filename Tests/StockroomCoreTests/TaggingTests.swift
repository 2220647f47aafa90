import Foundation
import Testing
@testable import StockroomCore

@Suite("Bulk tagging on a real catalog")
struct TaggingTests {
    let fixture: QueryFixture
    let service: TaggingService
    let photos: [Asset]
    let video: Asset

    init(_ backend: CatalogBackend) throws {
        let fixture = try QueryFixture(backend)
        let library = try fixture.library("brand")
        photos = try (0..<4).map { try fixture.asset("photo-\($0).jpg", in: library, tags: $0 == 0 ? ["Summer"] : []) }
        video = try fixture.asset("clip.mp4", in: library, type: .videoEdited, tags: ["archive"])
        service = TaggingService(tags: fixture.catalog, clock: { QueryFixture.now })
        self.fixture = fixture
    }

    @Test("dry run counts matched and would-change assets and changes nothing", arguments: CatalogBackend.available)
    static func dryRun(_ backend: CatalogBackend) throws { try Self(backend).dryRunBody() }
    func dryRunBody() throws {
        let report = try service.change(.add, tags: ["summer", "beach"], on: .query(try AssetQuery.parse("type:image")),
                                        dryRun: true, by: .system)
        #expect(report.dryRun)
        #expect(report.matched == 4)
        #expect(report.changed == 4)
        #expect(report.sample.map(\.name) == ["photo-0.jpg", "photo-1.jpg", "photo-2.jpg", "photo-3.jpg"])
        #expect(try fixture.tags(of: photos[1]) == [])
        #expect(try fixture.catalog.tagUsage().map(\.normalized) == ["archive", "summer"])
        #expect(try fixture.activities().isEmpty)
    }

    @Test("add keeps display case of existing tags, counts only changed assets, logs one entry", arguments: CatalogBackend.available)
    static func add(_ backend: CatalogBackend) throws { try Self(backend).addBody() }
    func addBody() throws {
        let report = try service.change(.add, tags: ["SUMMER", " Brand / Logo "], on: .query(try AssetQuery.parse("type:image")), by: .system)
        #expect(report.matched == 4)
        #expect(report.changed == 4)
        #expect(try fixture.tags(of: photos[0]) == ["Brand/Logo", "Summer"])
        #expect(try fixture.tags(of: photos[3]) == ["Brand/Logo", "Summer"])
        let again = try service.change(.add, tags: ["summer"], on: .query(try AssetQuery.parse("type:image")), by: .system)
        #expect(again.matched == 4)
        #expect(again.changed == 0)
        let log = try fixture.activities()
        #expect(log.count == 1)
        #expect(log[0].action == "tags.add")
        #expect(log[0].metadata?["query"] == .string("type:image"))
        #expect(log[0].metadata?["changed"] == .number(4))
        #expect(log[0].metadata?["matched"] == .number(4))
        #expect(try fixture.names("tag:brand") == ["photo-0.jpg", "photo-1.jpg", "photo-2.jpg", "photo-3.jpg"])
    }

    @Test("remove takes exactly the named tags, not their children", arguments: CatalogBackend.available)
    static func remove(_ backend: CatalogBackend) throws { try Self(backend).removeBody() }
    func removeBody() throws {
        _ = try service.change(.add, tags: ["brand", "brand/logo"], on: .query(.all), by: .system)
        let report = try service.change(.remove, tags: ["Brand"], on: .query(try AssetQuery.parse("tag:brand")), by: .system)
        #expect(report.matched == 5)
        #expect(report.changed == 5)
        #expect(try fixture.tags(of: video) == ["archive", "brand/logo"])
        #expect(try fixture.names("tag:brand").count == 5)
        let none = try service.change(.remove, tags: ["nonexistent"], on: .query(.all), by: .system)
        #expect(none.changed == 0)
    }

    @Test("set makes the tags exactly these", arguments: CatalogBackend.available)
    static func set(_ backend: CatalogBackend) throws { try Self(backend).setBody() }
    func setBody() throws {
        let report = try service.change(.set, tags: ["summer"], on: .query(.all), by: .system)
        #expect(report.matched == 5)
        #expect(report.changed == 4)  // photo-0 already has exactly "Summer"
        #expect(try fixture.tags(of: video) == ["Summer"])
        #expect(try fixture.tags(of: photos[0]) == ["Summer"])
        #expect(try fixture.catalog.tagUsage().map { "\($0.name)=\($0.assetCount)" } == ["archive=0", "Summer=5"])
    }

    @Test("ids lists select assets; unknown ids are not counted", arguments: CatalogBackend.available)
    static func ids(_ backend: CatalogBackend) throws { try Self(backend).idsBody() }
    func idsBody() throws {
        let report = try service.change(.add, tags: ["picked"], on: .ids([photos[1].id!, video.id!, 999_999]), by: .system)
        #expect(report.matched == 2)
        #expect(report.changed == 2)
        #expect(try fixture.names("tag:picked") == ["clip.mp4", "photo-1.jpg"])
        #expect(try fixture.activities()[0].metadata?["idCount"] == .number(3))
    }

    @Test("rename merges into an existing tag and carries children along", arguments: CatalogBackend.available)
    static func rename(_ backend: CatalogBackend) throws { try Self(backend).renameBody() }
    func renameBody() throws {
        _ = try service.change(.add, tags: ["Brand/Logo"], on: .ids([photos[1].id!]), by: .system)
        _ = try service.change(.add, tags: ["corporate"], on: .ids([photos[2].id!]), by: .system)
        _ = try service.change(.add, tags: ["brand"], on: .ids([photos[2].id!, photos[3].id!]), by: .system)
        let report = try service.rename("BRAND", to: "Corporate", by: .system)
        #expect(report.renamed == 1)   // brand/Logo → Corporate/Logo
        #expect(report.merged == 1)    // brand → corporate (existing)
        #expect(report.assets == 3)
        #expect(try fixture.tags(of: photos[1]) == ["Corporate/Logo"])
        #expect(try fixture.tags(of: photos[2]) == ["corporate"])
        #expect(try fixture.tags(of: photos[3]) == ["corporate"])
        #expect(try fixture.names("tag:corporate") == ["photo-1.jpg", "photo-2.jpg", "photo-3.jpg"])
        #expect(try fixture.names("tag:brand") == [])
        #expect(throws: DomainError.self) { try service.rename("brand", to: "x", by: .system) }
        #expect(throws: DomainError.self) { try service.rename("corporate", to: "corporate/old", by: .system) }
        _ = try service.rename("summer", to: "SUMMER", by: .system)
        #expect(try fixture.tags(of: photos[0]) == ["SUMMER"])
    }

    @Test("empty tag names are refused", arguments: CatalogBackend.available)
    static func validation(_ backend: CatalogBackend) throws { try Self(backend).validationBody() }
    func validationBody() throws {
        #expect(throws: DomainError.self) { try service.change(.add, tags: [" / "], on: .query(.all), by: .system) }
        #expect(throws: DomainError.self) { try service.change(.add, tags: [], on: .query(.all), by: .system) }
    }
}

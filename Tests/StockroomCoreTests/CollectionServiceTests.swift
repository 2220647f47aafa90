import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Collections: manual order and smart rules, on both catalogs")
struct CollectionServiceTests {
    struct Setup {
        let fixture: QueryFixture
        let library: Library
        var home: DataHome { fixture.home }
        var service: CollectionService { CollectionService(collections: home.catalog, assets: home.catalog) }

        @discardableResult
        func asset(_ name: String, type: AssetType = .imagePhoto, status: AssetStatus = .approved, license: LicenseType? = nil,
                   createdAt: Date = Date(), tags: [String] = [], folder: String? = nil) throws -> Asset {
            let folderRow = try folder.map { try fixture.folder(library, $0) }
            var asset = try fixture.asset(name, in: library, folder: folderRow, type: type) {
                $0.status = status
                $0.license = license
                $0.createdAt = createdAt
                $0.updatedAt = createdAt
            }
            if !tags.isEmpty {
                var patch = AssetPatch()
                patch.addTags = tags
                asset = try home.catalog.updateAsset(id: asset.id!, applying: patch, by: "t")
            }
            return asset
        }
    }

    func catalog(_ backend: CatalogBackend) throws -> Setup {
        let fixture = try QueryFixture(backend)
        let library = try LibraryService(libraries: fixture.catalog, folders: fixture.catalog).createLibrary(name: "Brand", by: .system)
        return Setup(fixture: fixture, library: library)
    }

    @Test(arguments: CatalogBackend.available)
    func manualCollectionsKeepOrderNotesAndRejectUnknownAssets(_ backend: CatalogBackend) throws {
        let c = try catalog(backend)
        let a = try c.asset("Alpha"), b = try c.asset("Beta"), g = try c.asset("Gamma")
        let collection = try c.service.createCollection(name: "Client Picks", type: .deliverable, by: .system)
        #expect(collection.slug == "client-picks")
        _ = try c.service.addAssets([g.id!, a.id!], to: "client-picks", note: "hero", by: .system)
        _ = try c.service.addAssets([b.id!, a.id!], to: "client-picks", by: .system)
        #expect(try c.service.details(slug: "client-picks").items.map(\.name) == ["Gamma", "Alpha", "Beta"])
        #expect(try c.service.details(slug: "client-picks").items.map(\.note) == ["hero", "hero", nil])
        #expect(throws: DomainError.notFound("no asset with id 9999")) { try c.service.addAssets([9999], to: "client-picks", by: .system) }
        #expect(try c.service.details(slug: "client-picks").items.count == 3)
        #expect(try c.service.removeAssets([a.id!], from: "client-picks") == 1)
        #expect(try c.service.details(slug: "client-picks").items.map(\.name) == ["Gamma", "Beta"])
        #expect(try c.service.allCollections().first?.assetCount == 2)
        #expect(throws: DomainError.alreadyExists("a collection with slug \"client-picks\" already exists")) {
            try c.service.createCollection(name: "Client Picks", by: .system)
        }
    }

    @Test(arguments: CatalogBackend.available)
    func smartRulesSelectByTagsTypeStatusFolderDateAndName(_ backend: CatalogBackend) throws {
        let c = try catalog(backend)
        let old = Date(timeIntervalSince1970: 1_600_000_000)  // 2020-09-13
        let beach = try c.asset("Beach sunset", tags: ["Summer", "travel"], folder: "/campaigns/summer")
        let pool = try c.asset("Pool party", status: .pending, license: .royaltyFree, tags: ["summer"], folder: "/campaigns/summer/pool")
        _ = try c.asset("Ski lift", tags: ["winter"], folder: "/campaigns/winter")
        let jingle = try c.asset("Summer jingle", type: .audioMusic, createdAt: old, tags: ["summer"])

        func members(_ json: String) throws -> Set<Int64> {
            let rules = try SmartRules.parse(json)
            let name = "smart-\(UUID().uuidString.prefix(8).lowercased())"
            let collection = try c.service.createCollection(name: name, smartRules: rules, by: .system)
            #expect(collection.collectionType == .smart)
            return Set(try c.service.memberAssetIds(of: collection))
        }

        #expect(try members(#"{"conditions":[{"field":"tags","operator":"contains","value":"SUMMER"}]}"#) == [beach.id!, pool.id!, jingle.id!])
        #expect(try members(#"{"conditions":[{"field":"tags","operator":"contains","value":"summer"},{"field":"assetType","operator":"in","value":["IMAGE_PHOTO"]}],"match":"all"}"#) == [beach.id!, pool.id!])
        #expect(try members(#"{"conditions":[{"field":"tags","operator":"contains","value":"travel"},{"field":"assetType","operator":"equals","value":"AUDIO_MUSIC"}],"match":"any"}"#) == [beach.id!, jingle.id!])
        #expect(try members(#"{"conditions":[{"field":"folderPath","operator":"contains","value":"/campaigns/summer"}]}"#) == [beach.id!, pool.id!])
        #expect(try members(#"{"conditions":[{"field":"folderPath","operator":"equals","value":"/campaigns/summer"}]}"#) == [beach.id!])
        #expect(try members(#"{"conditions":[{"field":"createdAt","operator":"before","value":"2021-01-01"}]}"#) == [jingle.id!])
        #expect(try members(#"{"conditions":[{"field":"createdAt","operator":"after","value":"2021-01-01"},{"field":"status","operator":"equals","value":"pending"}]}"#) == [pool.id!])
        #expect(try members(#"{"conditions":[{"field":"license","operator":"equals","value":"royalty-free"}]}"#) == [pool.id!])
        #expect(try members(#"{"conditions":[{"field":"name","operator":"contains","value":"SUN"}]}"#) == [beach.id!])
        #expect(try members("{\"conditions\":[{\"field\":\"libraryId\",\"operator\":\"equals\",\"value\":\(c.library.id!)}]}").count == 4)

        // Smart collections are fed by their rules only.
        #expect(throws: DomainError.self) { try c.service.addAssets([beach.id!], to: "smart-x", by: .system) }
    }

    @Test(arguments: CatalogBackend.available)
    func invalidRulesAreRejectedWithAReason(_ backend: CatalogBackend) throws {
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"color","operator":"equals","value":"red"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"tags","operator":"after","value":"x"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"createdAt","operator":"after","value":"soon"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"assetType","operator":"in","value":"IMAGE_PHOTO"}]}"#) }
        let c = try catalog(backend)
        #expect(throws: DomainError.self) { try c.service.createCollection(name: "No rules", type: .smart, by: .system) }
    }
}

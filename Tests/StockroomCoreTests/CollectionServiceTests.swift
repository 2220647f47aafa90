import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Collections: manual order and smart rules on a real catalog")
struct CollectionServiceTests {
    let dir = TemporaryDirectory()

    struct Catalog {
        let home: DataHome
        let library: Library
        var service: CollectionService { CollectionService(collections: home.catalog, assets: home.catalog) }

        @discardableResult
        func asset(_ name: String, type: AssetType = .imagePhoto, status: AssetStatus = .approved, license: LicenseType? = nil,
                   createdAt: Date = Date(), tags: [String] = [], folder: String? = nil) throws -> Asset {
            let folderId = try folder.map { try home.catalog.ensureFolder(libraryId: library.id!, path: try FolderPath(parsing: $0), createdBy: "t").id! }
            var asset = Asset(libraryId: library.id!, folderId: folderId, name: name, slug: Slug.make(from: name), assetType: type,
                              status: status, now: createdAt)
            asset.license = license
            asset = try home.sqliteCatalog!.database.writer.write { db in try asset.inserted(db) }
            if !tags.isEmpty {
                var patch = AssetPatch()
                patch.addTags = tags
                asset = try home.catalog.updateAsset(id: asset.id!, applying: patch, by: "t")
            }
            return asset
        }
    }

    func catalog() throws -> Catalog {
        let home = try DataHome.initialize(at: dir.url)
        let library = try LibraryService(libraries: home.catalog, folders: home.catalog).createLibrary(name: "Brand", by: .system)
        return Catalog(home: home, library: library)
    }

    @Test func manualCollectionsKeepOrderNotesAndRejectUnknownAssets() throws {
        let c = try catalog()
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

    @Test func smartRulesSelectByTagsTypeStatusFolderDateAndName() throws {
        let c = try catalog()
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

    @Test func invalidRulesAreRejectedWithAReason() throws {
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"color","operator":"equals","value":"red"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"tags","operator":"after","value":"x"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"createdAt","operator":"after","value":"soon"}]}"#) }
        #expect(throws: DomainError.self) { try SmartRules.parse(#"{"conditions":[{"field":"assetType","operator":"in","value":"IMAGE_PHOTO"}]}"#) }
        let c = try catalog()
        #expect(throws: DomainError.self) { try c.service.createCollection(name: "No rules", type: .smart, by: .system) }
    }
}

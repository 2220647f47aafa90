import Foundation
import Testing
@testable import StockroomCore

@Suite("Smart collections defined in the search language")
struct SmartCollectionQueryTests {
    @Test("membership follows the query; an invalid query is refused at creation")
    func queryMembership() throws {
        let fixture = try QueryFixture()
        let library = try fixture.library("brand")
        let summer = try fixture.asset("beach.jpg", in: library, tags: ["Summer"])
        let logo = try fixture.asset("logo.png", in: library, type: .imageLogo, tags: ["brand/logo", "summer"])
        _ = try fixture.asset("winter.jpg", in: library, tags: ["winter"])
        let service = CollectionService(collections: fixture.home.catalog, assets: fixture.home.catalog)
        let collection = try service.createCollection(name: "Summer photos", smartQuery: "tag:summer -type:IMAGE_LOGO", by: .system)
        #expect(collection.collectionType == .smart)
        #expect(try service.memberAssetIds(of: collection) == [summer.id!])
        let both = try service.createCollection(name: "All summer", smartQuery: "tag:summer", by: .system)
        #expect(Set(try service.memberAssetIds(of: both)) == [summer.id!, logo.id!])
        #expect(throws: DomainError.self) { try service.createCollection(name: "Broken", smartQuery: "tag:(", by: .system) }
    }
}

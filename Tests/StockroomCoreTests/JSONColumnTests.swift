import Foundation
import GRDB
import Testing
@testable import StockroomCore

@Suite("JSON columns round-trip")
struct JSONColumnTests {
    @Test("asset metadata, license details and activity metadata come back as written")
    func roundTrip() throws {
        let fixture = try QueryFixture()
        let library = try fixture.library("brand")
        let document: JSONValue = .object([
            "exif": .object(["Make": .string("Canon"), "ISO": .number(200)]),
            "keywords": .array([.string("beach"), .string("summer")]),
            "flash": .bool(false),
            "gps": .null,
        ])
        let asset = try fixture.asset("a.jpg", in: library) {
            $0.metadata = document
            $0.licenseDetails = .object(["invoice": .string("INV-7")])
        }
        var activity = Activity(actor: .system, action: "test", entityType: "asset", entityId: "1", entityTitle: "a",
                                metadata: .object(["count": .number(3)]))
        try fixture.sqlite.writer.write { db in try activity.insert(db) }
        let stored = try fixture.sqlite.writer.read { db in try Asset.fetchOne(db, key: asset.id!) }
        #expect(stored?.metadata == document)
        #expect(stored?.licenseDetails == .object(["invoice": .string("INV-7")]))
        let text = try fixture.sqlite.writer.read { db in
            try String.fetchOne(db, sql: "SELECT metadata FROM asset WHERE id = ?", arguments: [asset.id])
        }
        #expect(text == #"{"exif":{"ISO":200,"Make":"Canon"},"flash":false,"gps":null,"keywords":["beach","summer"]}"#)
        #expect(try fixture.activities().first?.metadata == .object(["count": .number(3)]))
    }
}

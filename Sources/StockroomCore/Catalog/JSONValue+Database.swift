import Foundation
import GRDB

// JSON columns (asset.metadata, collection.smartRules, …) are stored as JSON text. Without this
// conformance GRDB hands `JSONValue.init(from:)` the column's text, which it reads back as
// `.string("{…}")` instead of the object that was written.
extension JSONValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        let data = (try? JSONEncoder.stockroom.encode(self)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self).databaseValue
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONValue? {
        guard let text = String.fromDatabaseValue(dbValue) else { return nil }
        return try? JSONDecoder.stockroom.decode(JSONValue.self, from: Data(text.utf8))
    }
}

import Foundation
import GRDB

// JSONValue decodes through a single-value container, so GRDB's Codable record support would
// read a JSON column as a scalar (a JSON text became `.bool(false)`). Storing it as JSON text
// explicitly makes `metadata`, `licenseDetails`, `smartRules` and activity metadata round-trip.
extension JSONValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // A JSONValue holds only JSON-representable values, so encoding cannot fail in practice.
        guard let data = try? encoder.encode(self) else { return .null }
        return String(decoding: data, as: UTF8.self).databaseValue
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONValue? {
        guard let text = String.fromDatabaseValue(dbValue) else { return nil }
        return try? JSONValue(parsing: Data(text.utf8))
    }
}

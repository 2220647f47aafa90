import Foundation
import GRDB
@testable import StockroomCore

/// Rows written and counted below the repositories, on either backend: what the behaviour
/// suites use to set up states the services would never make (a duplicate path, a second
/// current version) and to look at what a service left behind.
extension QueryFixture {
    private var postgresCatalog: PostgresCatalog? { home.catalog as? PostgresCatalog }

    /// Inserts `value` as a new row of `table`, returning it with its id.
    @discardableResult
    func insertRow<T: Codable & MutablePersistableRecord>(_ value: T, into table: String) throws -> T {
        if let postgres = postgresCatalog {
            return try postgres.write { tx throws(DomainError) in try tx.insert(value, into: table) }
        }
        return try sqlite.writer.write { db in try value.inserted(db) }
    }

    /// Inserts a row of a table without an id column (a join row).
    func insertJoinRow<T: Codable & PersistableRecord>(_ value: T, into table: String) throws {
        if let postgres = postgresCatalog {
            let sql = "INSERT INTO \(table) SELECT * FROM json_populate_record(NULL::\(table), ?::json)"
            let json = try PostgresRecordCoding.json(value)
            _ = try postgres.write { tx throws(DomainError) in try tx.execute(sql, [json]) }
            return
        }
        try sqlite.writer.write { db in try value.insert(db) }
    }

    /// Deletes the row of `table` with `id` (its cascades follow).
    func deleteRow(from table: String, id: Int64) throws {
        if let postgres = postgresCatalog {
            _ = try postgres.write { tx throws(DomainError) in try tx.execute("DELETE FROM \(table) WHERE id = ?", [id]) }
            return
        }
        _ = try sqlite.writer.write { db in try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id]) }
    }

    func count(_ table: String) throws -> Int {
        if let postgres = postgresCatalog {
            return try postgres.read { tx throws(DomainError) in try tx.scalar(Int64.self, "SELECT COUNT(*) FROM \(table)").map(Int.init) ?? 0 }
        }
        return try sqlite.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

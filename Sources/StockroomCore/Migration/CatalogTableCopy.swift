import Foundation
import GRDB

/// How one table of the SQLite catalog is copied into the PostgreSQL catalog: which rows, in
/// which order (a key the copy resumes after), and how a row is reshaped on the way.
///
/// Rows keep their ids, so every reference (folder → parent, share link → collection, …) and
/// every share token stays as it was. The order puts referenced rows first: tables in foreign
/// key order, folders by depth (a moved folder may have a parent with a higher id).
struct CatalogTableCopy: Sendable {
    /// The SQLite table and its PostgreSQL twin.
    let table: String
    /// The SQLite select list (the columns, named as the SQLite catalog names them).
    let columns: String
    /// SQLite expressions ordering the rows; the copy resumes after the last key copied.
    let key: [String]
    /// Changes a row (as PostgreSQL column → value) before it is written.
    var reshape: (@Sendable (inout [String: Any]) -> Void)?

    init(_ table: String, columns: String = "*", key: [String] = ["rowid"], reshape: (@Sendable (inout [String: Any]) -> Void)? = nil) {
        self.table = table
        self.columns = columns
        self.key = key
        self.reshape = reshape
    }

    /// Every table of the catalog, in an order that satisfies the foreign keys.
    static let all: [CatalogTableCopy] = [
        CatalogTableCopy("library"),
        CatalogTableCopy("folder", key: ["depth", "id"]),
        CatalogTableCopy("asset"),
        CatalogTableCopy("tag"),
        CatalogTableCopy("asset_tag", key: ["assetId", "tagId"]),
        CatalogTableCopy("asset_version"),
        CatalogTableCopy("asset_version_media"),
        CatalogTableCopy("rendition"),
        CatalogTableCopy("asset_font", key: ["assetId", "normalized"]),
        // The FTS5 content index: its rowid is the asset id.
        CatalogTableCopy("asset_text", columns: "rowid AS assetId, title, body"),
        CatalogTableCopy("collection"),
        CatalogTableCopy("collection_item"),
        CatalogTableCopy("share_link"),
        CatalogTableCopy("share_access"),
        CatalogTableCopy("comment"),
        CatalogTableCopy("activity"),
        CatalogTableCopy("api_key"),
        CatalogTableCopy("ingest_failure"),
        CatalogTableCopy("watch_file"),
        // A job some process held when the old home stopped goes back to the queue.
        CatalogTableCopy("job") { row in
            if row["status"] as? String == JobStatus.running.rawValue {
                row["status"] = JobStatus.queued.rawValue
                row["lease_owner"] = NSNull()
                row["lease_expires_at"] = NSNull()
            }
        },
    ]

    /// SQLite tables that are not copied: bookkeeping of SQLite itself, GRDB's migrations, the
    /// FTS5 index's shadow tables, and the change counter (PostgreSQL keeps its own).
    static func isLeftBehind(_ sqliteTable: String) -> Bool {
        sqliteTable.hasPrefix("sqlite_") || sqliteTable.hasPrefix("grdb_") || sqliteTable.hasPrefix("asset_text_")
            || sqliteTable == "catalog_change"
    }

    /// Rows after `cursor` (the key of the last row copied; nil from the start), at most `limit`.
    /// Each row carries its key as `_k0`, `_k1`, ….
    func rows(_ db: Database, after cursor: [DatabaseValue]?, limit: Int) throws -> [Row] {
        let keyList = key.enumerated().map { "\($0.element) AS _k\($0.offset)" }.joined(separator: ", ")
        var sql = "SELECT \(columns), \(keyList) FROM \(table)"
        var arguments: [DatabaseValue] = []
        if let cursor {
            sql += " WHERE (\(key.joined(separator: ", "))) > (\(key.map { _ in "?" }.joined(separator: ", ")))"
            arguments = cursor
        }
        sql += " ORDER BY \(key.joined(separator: ", ")) LIMIT \(limit)"
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
    }

    func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
    }

    /// The key of `row`, as a JSON array (what the progress record keeps).
    func cursor(of row: Row) -> [DatabaseValue] {
        key.indices.map { row["_k\($0)"] ?? .null }
    }

    static func cursorJSON(_ cursor: [DatabaseValue]) -> String {
        let values: [Any] = cursor.map { value in
            switch value.storage {
            case let .int64(v): return v
            case let .double(v): return v
            case let .string(v): return v
            case .null, .blob: return NSNull()
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func cursor(fromJSON text: String) -> [DatabaseValue]? {
        guard let values = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], !values.isEmpty else { return nil }
        return values.map { value in
            switch value {
            case let s as String: return s.databaseValue
            case let n as Int: return Int64(n).databaseValue
            case let d as Double: return d.databaseValue
            default: return .null
            }
        }
    }

    /// `row` as a PostgreSQL row object (snake_case column → JSON value), typed by the
    /// PostgreSQL columns: JSON text becomes a document, 0/1 a boolean, SQLite's UTC date text
    /// a timestamp with its zone. A column PostgreSQL has no place for is an error, so no value
    /// is silently dropped.
    func postgresRow(_ row: Row, types: [String: String]) throws(DomainError) -> [String: Any] {
        var object: [String: Any] = [:]
        for column in row.columnNames where !column.hasPrefix("_k") {
            let name = SQLDialect.snakeCase(column)
            guard let type = types[name] else {
                throw .storage("cannot migrate \(table).\(column): the PostgreSQL catalog has no column \(name)")
            }
            object[name] = try Self.value(row[column] ?? .null, as: type, column: "\(table).\(column)")
        }
        reshape?(&object)
        return object
    }

    static func value(_ value: DatabaseValue, as type: String, column: String) throws(DomainError) -> Any {
        switch value.storage {
        case .null:
            return NSNull()
        case let .int64(v):
            switch type {
            case "boolean": return v != 0
            case "text": return String(v)
            case "timestamp with time zone": return PostgresRecordCoding.timestamp(Date(timeIntervalSince1970: Double(v)))
            default: return v
            }
        case let .double(v):
            switch type {
            case "text": return String(v)
            case "timestamp with time zone": return PostgresRecordCoding.timestamp(Date(timeIntervalSince1970: v))
            default: return v
            }
        case let .string(text):
            switch type {
            case "jsonb", "json":
                do {
                    return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                } catch {
                    throw .storage("cannot migrate \(column): not JSON: \(text.prefix(80))")
                }
            case "timestamp with time zone":
                return timestampWithZone(text)
            case "boolean":
                return text == "1" || text.lowercased() == "true"
            default:
                return text
            }
        case .blob:
            throw .storage("cannot migrate \(column): a binary value has no place in the PostgreSQL catalog")
        }
    }

    /// GRDB stores dates as UTC text without a zone (`2026-06-15 12:00:00.000`); PostgreSQL
    /// would read that in the session's zone, so the zone is made explicit.
    static func timestampWithZone(_ text: String) -> String {
        let time = text.dropFirst(10)
        if text.hasSuffix("Z") || time.contains("+") || time.dropFirst(1).contains("-") { return text }
        return text + "+00"
    }
}

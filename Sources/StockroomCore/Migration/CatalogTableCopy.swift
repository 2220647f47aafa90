import Foundation
import GRDB

/// How one table of the SQLite catalog is copied into the PostgreSQL catalog: which rows, in
/// which order (a key the copy resumes after), and how each value is written.
///
/// Rows keep their ids, so every reference (folder → parent, share link → collection, …) and
/// every share token stays as it was. The order puts referenced rows first: tables in foreign
/// key order, folders by depth (a moved folder may have a parent with a higher id).
struct CatalogTableCopy: Sendable {
    /// The SQLite table and its PostgreSQL twin.
    let table: String
    /// The SQLite select list when it is not simply every column (the FTS5 index).
    let columns: String?
    /// SQLite expressions ordering the rows; the copy resumes after the last key copied.
    let key: [String]
    /// Columns written as another SQLite expression (named as the column).
    let overrides: [String: String]
    /// The rows copied, when not all of them (an SQLite condition).
    let filter: String?

    init(_ table: String, columns: String? = nil, key: [String] = ["rowid"], overrides: [String: String] = [:], filter: String? = nil) {
        self.table = table
        self.columns = columns
        self.key = key
        self.overrides = overrides
        self.filter = filter
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
        CatalogTableCopy("share_review"),
        CatalogTableCopy("activity"),
        CatalogTableCopy("api_key"),
        CatalogTableCopy("ingest_failure"),
        CatalogTableCopy("watch_file"),
        // A job some process held when the old home stopped goes back to the queue. Webhook
        // deliveries stay behind: the new home's endpoints start from its first open (Docs/schema.md).
        CatalogTableCopy("job", overrides: [
            "status": "CASE WHEN status = 'RUNNING' THEN 'QUEUED' ELSE status END",
            "leaseOwner": "CASE WHEN status = 'RUNNING' THEN NULL ELSE leaseOwner END",
            "leaseExpiresAt": "CASE WHEN status = 'RUNNING' THEN NULL ELSE leaseExpiresAt END",
        ], filter: "stage <> 'WEBHOOK'"),
    ]

    /// SQLite tables that are not copied: bookkeeping of SQLite itself, GRDB's migrations, the
    /// FTS5 index's shadow tables, the change counter (PostgreSQL keeps its own), and the
    /// webhook cursors (positions in the old log; PostgreSQL's are (transaction, id) pairs).
    static func isLeftBehind(_ sqliteTable: String) -> Bool {
        sqliteTable.hasPrefix("sqlite_") || sqliteTable.hasPrefix("grdb_") || sqliteTable.hasPrefix("asset_text_")
            || sqliteTable == "catalog_change" || sqliteTable == "webhook_cursor"
    }

    func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)" + (filter.map { " WHERE \($0)" } ?? "")) ?? 0
    }

    /// One batch: the rows after `cursor` (the key of the last row copied; nil from the start),
    /// at most `limit`, as a JSON array of PostgreSQL row objects, with the last row's key.
    func batch(_ db: Database, after cursor: [DatabaseValue]?, limit: Int,
               types: [String: String]) throws -> (json: String, columns: [String], count: Int, last: [DatabaseValue])? {
        let keyList = key.enumerated().map { "\($0.element) AS _k\($0.offset)" }.joined(separator: ", ")
        var sql = "SELECT \(try selectList(db)), \(keyList) FROM \(table)"
        var arguments: [DatabaseValue] = []
        var conditions = filter.map { ["(\($0))"] } ?? []
        if let cursor {
            conditions.append("(\(key.joined(separator: ", "))) > (\(key.map { _ in "?" }.joined(separator: ", ")))")
            arguments = cursor
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(key.joined(separator: ", ")) LIMIT \(limit)"
        let statement = try db.makeStatement(sql: sql)
        let names = statement.columnNames
        let valueCount = names.count - key.count
        var fields: [PostgresRowWriter.Field] = []
        for name in names.prefix(valueCount) {
            let column = SQLDialect.snakeCase(name)
            guard let type = types[column] else {
                throw DomainError.storage("cannot migrate \(table).\(name): the PostgreSQL catalog has no column \(column)")
            }
            fields.append(PostgresRowWriter.Field(column: column, type: type))
        }
        var writer = PostgresRowWriter(table: table, fields: fields)
        var last: [DatabaseValue] = []
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            try writer.append(row)
            last = (valueCount..<names.count).map { row[$0] as DatabaseValue }
        }
        guard writer.count > 0 else { return nil }
        return (writer.finish(), fields.map(\.column), writer.count, last)
    }

    private func selectList(_ db: Database) throws -> String {
        if let columns { return columns }
        let names = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
        return names.map { name in overrides[name].map { "\($0) AS \(name)" } ?? name }.joined(separator: ", ")
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
}

/// SQLite rows written as a JSON array of PostgreSQL row objects (snake_case column → value),
/// typed by the PostgreSQL columns: JSON text stays a document, 0/1 becomes a boolean, SQLite's
/// UTC date text a timestamp with its zone. Written byte by byte (a million-row catalog goes
/// through here), JSON documents copied as stored.
struct PostgresRowWriter {
    struct Field {
        enum Kind { case json, timestamp, boolean, text, number }
        let kind: Kind
        /// `"column":`, escaped once.
        let key: [UInt8]
        let column: String

        init(column: String, type: String) {
            self.column = column
            key = Array("\"\(column)\":".utf8)
            kind = switch type {
            case "jsonb", "json": .json
            case "timestamp with time zone", "timestamp without time zone": .timestamp
            case "boolean": .boolean
            case "text", "character varying": .text
            default: .number
            }
        }
    }

    let table: String
    let fields: [Field]
    private(set) var count = 0
    private var bytes: [UInt8] = [UInt8(ascii: "[")]

    init(table: String, fields: [Field]) {
        self.table = table
        self.fields = fields
        bytes.reserveCapacity(1 << 20)
    }

    mutating func append(_ row: Row) throws {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: field.key)
            try write(row[index] as DatabaseValue, field)
        }
        bytes.append(UInt8(ascii: "}"))
        count += 1
    }

    mutating func finish() -> String {
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func write(_ value: DatabaseValue, _ field: Field) throws {
        switch value.storage {
        case .null:
            raw("null")
        case let .int64(v):
            switch field.kind {
            case .boolean: raw(v != 0 ? "true" : "false")
            case .text: quoted(String(v))
            case .timestamp: quoted(PostgresRecordCoding.timestamp(Date(timeIntervalSince1970: Double(v))))
            case .json, .number: raw(String(v))
            }
        case let .double(v):
            switch field.kind {
            case .text: quoted(String(v))
            case .timestamp: quoted(PostgresRecordCoding.timestamp(Date(timeIntervalSince1970: v)))
            case .boolean: raw(v != 0 ? "true" : "false")
            case .json, .number: v.isFinite ? raw(String(v)) : raw("null")
            }
        case let .string(text):
            switch field.kind {
            case .json: raw(text)
            case .timestamp: quoted(Self.timestampWithZone(text))
            case .boolean: raw(text == "1" || text.lowercased() == "true" ? "true" : "false")
            case .text, .number: quoted(text)
            }
        case .blob:
            throw DomainError.storage("cannot migrate \(table).\(field.column): a binary value has no place in the PostgreSQL catalog")
        }
    }

    private mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `text` as a JSON string.
    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                case ..<0x20: raw(String(format: "\\u%04x", Int(byte)))
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// GRDB stores dates as UTC text without a zone (`2026-06-15 12:00:00.000`); PostgreSQL
    /// would read that in the session's zone, so the zone is made explicit.
    static func timestampWithZone(_ text: String) -> String {
        let time = text.dropFirst(10)
        if text.hasSuffix("Z") || time.contains("+") || time.dropFirst(1).contains("-") { return text }
        return text + "+00"
    }
}

import Foundation
import PostgresNIO

/// One connection inside one transaction of the PostgreSQL catalog, with the few operations
/// every store needs: records in and out by their `Codable` shape, statements with `?`
/// placeholders and bound values.
struct PostgresTransaction {
    let pool: PostgresConnectionPool
    let connection: PostgresConnection
    /// Column names per table, read from the schema at open (`PostgresCatalog.columns`).
    let columns: [String: [String]]

    // MARK: Statements

    /// Runs `sql` with its `?` placeholders bound to `values`; returns the rows.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLValueConvertible] = []) throws(DomainError) -> PostgresQueryResult {
        try pool.run(Self.query(sql, values.map(\.sqlValue)), on: connection)
    }

    func run(_ fragment: SQLFragment) throws(DomainError) -> PostgresQueryResult {
        try pool.run(Self.query(fragment.sql, fragment.arguments), on: connection)
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [any SQLValueConvertible] = []) throws(DomainError) -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    /// The first column of every row.
    func column<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ values: [any SQLValueConvertible] = []) throws(DomainError) -> [T] {
        try decodeColumn(T.self, try run(sql, values))
    }

    func column<T: PostgresDecodable>(_ type: T.Type, _ fragment: SQLFragment) throws(DomainError) -> [T] {
        try decodeColumn(T.self, try run(fragment))
    }

    func scalar<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ values: [any SQLValueConvertible] = []) throws(DomainError) -> T? {
        try column(T.self, sql, values).first
    }

    private func decodeColumn<T: PostgresDecodable>(_ type: T.Type, _ result: PostgresQueryResult) throws(DomainError) -> [T] {
        var values: [T] = []
        for row in result.rows {
            do {
                values.append(try row.decode(T.self))
            } catch {
                throw .storage("PostgreSQL: unreadable \(T.self) value: \(error)")
            }
        }
        return values
    }

    // MARK: Records

    /// Records from a query whose first column is `row_to_json(…)::text`.
    func records<T: Decodable>(_ type: T.Type, _ sql: String, _ values: [any SQLValueConvertible] = []) throws(DomainError) -> [T] {
        var records: [T] = []
        for text in try column(String.self, sql, values) { records.append(try PostgresRecordCoding.decode(T.self, from: text)) }
        return records
    }

    /// `SELECT` of whole rows of `table` (alias `t`) matching `condition`.
    func records<T: Decodable>(_ type: T.Type, from table: String, where condition: String = "TRUE",
                               _ values: [any SQLValueConvertible] = [], orderBy: String? = nil, limit: Int? = nil,
                               forUpdate: Bool = false) throws(DomainError) -> [T] {
        var sql = "SELECT row_to_json(t)::text FROM \(table) t WHERE \(condition)"
        if let orderBy { sql += " ORDER BY \(orderBy)" }
        if let limit { sql += " LIMIT \(max(0, limit))" }
        if forUpdate { sql += " FOR UPDATE" }
        return try records(T.self, sql, values)
    }

    func record<T: Decodable>(_ type: T.Type, from table: String, where condition: String,
                              _ values: [any SQLValueConvertible] = []) throws(DomainError) -> T? {
        try records(T.self, from: table, where: condition, values, limit: 1).first
    }

    func record<T: Decodable>(_ type: T.Type, from table: String, id: Int64, forUpdate: Bool = false) throws(DomainError) -> T? {
        try records(T.self, from: table, where: "t.id = ?", [id], limit: 1, forUpdate: forUpdate).first
    }

    /// Inserts `value` into `table` and returns it as stored, with a new id from the identity
    /// column unless `keepingId` (a copy of another catalog's row).
    func insert<T: Codable>(_ value: T, into table: String, keepingId: Bool = false) throws(DomainError) -> T {
        let json = try PostgresRecordCoding.json(value)
        let names = try tableColumns(table).filter { $0 != "id" || keepingId }
        let list = names.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table) AS t (\(list)) SELECT \(list) FROM json_populate_record(NULL::\(table), ?::json)
            RETURNING row_to_json(t)::text
            """
        guard let stored = try records(T.self, sql, [json]).first else { throw .storage("PostgreSQL: insert into \(table) returned nothing") }
        return stored
    }

    /// Writes every column of `value` (found by `id`) into its row.
    func update<T: Encodable>(_ value: T, in table: String, id: Int64?) throws(DomainError) {
        guard let id else { throw .invalidArgument("cannot update a \(T.self) that was never saved") }
        let json = try PostgresRecordCoding.json(value)
        let names = try tableColumns(table).filter { $0 != "id" }
        let list = names.joined(separator: ", ")
        try execute("UPDATE \(table) SET (\(list)) = (SELECT \(list) FROM json_populate_record(NULL::\(table), ?::json)) WHERE id = ?",
                    [json, id])
    }

    private func tableColumns(_ table: String) throws(DomainError) -> [String] {
        guard let names = columns[table], !names.isEmpty else { throw .storage("PostgreSQL: no table \(table) in the catalog schema") }
        return names
    }

    func logActivity(_ activity: Activity) throws(DomainError) {
        _ = try insert(activity, into: "activity")
    }

    // MARK: Placeholders

    /// `sql` with `?` placeholders numbered `$1`, `$2`, … and `values` bound to them. A `?`
    /// inside a quoted literal is left alone.
    static func query(_ sql: String, _ values: [SQLValue]) -> PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + values.count * 2)
        var n = 0
        var inQuote = false
        for c in sql {
            if c == "'" { inQuote.toggle() }
            if c == "?" && !inQuote {
                n += 1
                text += "$\(n)"
            } else {
                text.append(c)
            }
        }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case let .int(v): binds.append(v)
            case let .double(v): binds.append(v)
            case let .text(v): binds.append(v)
            case let .date(v): binds.append(v)
            case let .bool(v): binds.append(v)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }
}

import Foundation
import PostgresNIO

/// The catalog on PostgreSQL, for deployments past one machine: any number of hosts (the HTTP
/// server, CLIs, `stockroom worker`s) share one database and its job queue.
///
/// Each public method is one transaction on a pooled connection. The job queue is
/// `PostgresJobQueue` on the same pool; the pipeline's stage writes (`recordVersion`, …) advance
/// the job in the same transaction as their catalog rows, fenced by the job's lease. The
/// repositories live in one extension per aggregate (`PostgresCatalog+Assets.swift`, …), like
/// the SQLite catalog's, so the two read side by side.
public final class PostgresCatalog: Catalog, @unchecked Sendable {
    public let pool: PostgresConnectionPool
    public let queue: PostgresJobQueue
    public let changes: CatalogChangeCounter
    public var backendName: String { "postgresql" }
    /// Column names per table, in table order: what records are written with. `activity.xact_id`
    /// is left out: the database fills it (its default names the writing transaction).
    let columns: [String: [String]]

    /// Opens the catalog in the pool's database (and schema), applying missing migrations.
    public init(pool: PostgresConnectionPool) throws(DomainError) {
        self.pool = pool
        queue = try PostgresJobQueue(pool: pool)
        try PostgresCatalogMigrations.migrator.migrate(pool)
        var columns: [String: [String]] = [:]
        for row in try pool.run("""
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_generated = 'NEVER' AND column_name <> 'xact_id'
            ORDER BY table_name, ordinal_position
            """).rows {
            guard let (table, column) = try? row.decode((String, String).self) else { continue }
            columns[table, default: []].append(column)
        }
        self.columns = columns
        changes = CatalogChangeCounter { () throws(DomainError) -> Int64 in
            try pool.withConnection { connection throws(DomainError) -> Int64 in
                let rows = try pool.run("SELECT version FROM catalog_change WHERE id = 1", on: connection).rows
                return (try? rows.first?.decode(Int64.self)) ?? 0
            }
        }
    }

    public convenience init(url: PostgresURL, maxConnections: Int = 8) throws(DomainError) {
        let pool = PostgresConnectionPool(url: url, schema: url.schema, maxConnections: maxConnections)
        if let schema = url.schema { try pool.createSchema(schema) }
        try self.init(pool: pool)
    }

    /// Runs `body` in one transaction.
    func write<T>(_ body: (PostgresTransaction) throws(DomainError) -> T) throws(DomainError) -> T {
        try pool.transaction { connection throws(DomainError) -> T in
            try body(PostgresTransaction(pool: pool, connection: connection, columns: columns))
        }
    }

    /// Runs `body` in one (read-only by convention) transaction, so it sees one snapshot.
    func read<T>(_ body: (PostgresTransaction) throws(DomainError) -> T) throws(DomainError) -> T {
        try write(body)
    }

    /// Blocks until a job is enqueued or requeued anywhere, or `timeout` passes (LISTEN/NOTIFY).
    public func waitForJobs(timeout: TimeInterval) -> Bool {
        queue.waitForJobs(timeout: timeout)
    }

    public func shutdown() {
        pool.shutdown()
    }
}

extension PostgresCatalog {
    /// `value` as a JSON document, with a domain error when it cannot be one.
    static func jsonValue<T: Encodable>(_ value: T) throws(DomainError) -> JSONValue {
        do { return try JSONValue.encoding(value) } catch { throw .invalidArgument("cannot encode \(T.self) as JSON: \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(DomainError) -> T {
        do { return try value.decode(T.self) } catch { throw .invalidArgument("unreadable \(T.self): \(error)") }
    }
}

import Foundation
import PostgresNIO

/// Applies named schema migrations to a PostgreSQL database, once each, in order.
///
/// As with GRDB's `DatabaseMigrator`: a migration is a name and literal SQL, never edited once
/// shipped (add a new one instead). Applied names are recorded in `stockroom_migration`. Each
/// migration runs in its own transaction under an advisory lock, so several workers starting at
/// once apply it exactly once between them.
public struct PostgresMigrator: Sendable {
    public struct Migration: Sendable {
        public var name: String
        /// One statement each: the extended query protocol runs one statement per query.
        public var statements: [String]
        public init(_ name: String, statements: [String]) {
            self.name = name
            self.statements = statements
        }
    }

    /// Key of the advisory lock that serialises migrators: "stockroo" as a number.
    static let lockKey: Int64 = 0x73746f636b726f6f

    public private(set) var migrations: [Migration] = []

    public init() {}

    public mutating func register(_ name: String, statements: [String]) {
        precondition(!migrations.contains { $0.name == name }, "migration \(name) is registered twice")
        migrations.append(Migration(name, statements: statements))
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate(_ pool: PostgresConnectionPool) throws(DomainError) -> [String] {
        // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL.
        try pool.transaction { connection throws(DomainError) in
            try pool.run("SELECT pg_advisory_xact_lock(\(Self.lockKey))", on: connection)
            try pool.run("""
                CREATE TABLE IF NOT EXISTS stockroom_migration (
                  name TEXT PRIMARY KEY,
                  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, on: connection)
        }
        var applied: [String] = []
        for migration in migrations {
            let ran = try pool.transaction { connection throws(DomainError) -> Bool in
                try pool.run("SELECT pg_advisory_xact_lock(\(Self.lockKey))", on: connection)
                let done = try pool.run("SELECT 1 FROM stockroom_migration WHERE name = \(migration.name)", on: connection)
                guard done.rows.isEmpty else { return false }
                for statement in migration.statements { try pool.run(PostgresQuery(unsafeSQL: statement), on: connection) }
                try pool.run("INSERT INTO stockroom_migration (name) VALUES (\(migration.name))", on: connection)
                return true
            }
            if ran { applied.append(migration.name) }
        }
        return applied
    }

    /// The names recorded as applied, oldest first.
    public static func appliedMigrations(_ pool: PostgresConnectionPool) throws(DomainError) -> [String] {
        let rows = try pool.run("SELECT name FROM stockroom_migration ORDER BY applied_at, name").rows
        var names: [String] = []
        for row in rows {
            do { names.append(try row.decode(String.self)) } catch {
                throw .storage("PostgreSQL: unreadable migration name: \(error)")
            }
        }
        return names
    }
}

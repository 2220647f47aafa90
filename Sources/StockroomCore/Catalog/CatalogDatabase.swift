import Foundation
import GRDB

/// Owns the SQLite connection pool of a data home and runs migrations on open.
///
/// One `DatabasePool` in WAL mode: readers never block the writer, so the HTTP server keeps
/// serving while the pipeline writes. Foreign keys are enforced.
public final class CatalogDatabase: Sendable {
    public let writer: any DatabaseWriter
    /// Changes that can alter what a share link shows, from this process or another.
    public let changes: CatalogChangeCounter

    /// Opens (creating if needed) the catalog at `url` and migrates it to the current schema.
    public init(url: URL) throws(DomainError) {
        do {
            var config = Configuration()
            config.foreignKeysEnabled = true
            config.busyMode = .timeout(15)
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: url.path, configuration: config)
            try Self.migrator.migrate(pool)
            writer = pool
            changes = CatalogChangeCounter(writer: pool)
        } catch {
            throw .storage("cannot open catalog at \(url.path): \(error)")
        }
    }

    /// An in-memory catalog for unit tests of pure catalog logic.
    public init(inMemory: Void) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: config)
        try Self.migrator.migrate(queue)
        writer = queue
        changes = CatalogChangeCounter(writer: queue)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        CatalogMigrations.register(in: &migrator)
        return migrator
    }

    /// Names of the migrations applied to this file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Array(Self.migrator.appliedMigrations(db)) }
    }
}

import Foundation

/// The progress record of `stockroom migrate`, kept in the target PostgreSQL schema as the
/// table `migration_progress`: one row per step (`source`, `blobs`, each catalog table,
/// `complete`) with the key of the last thing copied. A catalog batch and its progress row are
/// written in one transaction, so the record never claims more than arrived.
struct MigrationProgress {
    struct State {
        var cursor: String?
        var copied: Int
        var done: Bool
    }

    let catalog: PostgresCatalog

    func prepare() throws(DomainError) {
        try catalog.write { tx throws(DomainError) in
            try tx.execute("""
                CREATE TABLE IF NOT EXISTS migration_progress (
                  step TEXT PRIMARY KEY,
                  cursor TEXT,
                  copied BIGINT NOT NULL DEFAULT 0,
                  done BOOLEAN NOT NULL DEFAULT FALSE,
                  source_home TEXT,
                  source_change_version BIGINT,
                  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
        }
    }

    /// Starts a migration from `sourceHome`, or continues the one started from it. Refuses a
    /// catalog that already holds data of its own, one that another home is migrating into,
    /// and a home that changed since its migration started. Returns whether this continues
    /// an earlier run.
    func begin(sourceHome: String, changeVersion: Int64) throws(DomainError) -> Bool {
        try catalog.write { tx throws(DomainError) -> Bool in
            let rows = try tx.run("SELECT source_home, source_change_version FROM migration_progress WHERE step = 'source'").rows
            if let row = rows.first {
                guard let (home, version) = try? row.decode((String, Int64).self) else {
                    throw .storage("unreadable migration_progress record")
                }
                guard home == sourceHome else {
                    throw .conflict("this catalog is the target of a migration from \(home), not \(sourceHome)")
                }
                guard version == changeVersion else {
                    throw .conflict("\(sourceHome) changed since its migration started; migrate again into an empty catalog")
                }
                return true
            }
            for table in ["library", "asset", "collection", "share_link", "api_key"] {
                if try tx.scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM \(table))") == true {
                    throw .conflict("the target catalog is not empty (it has \(table) rows); migrate into an empty database or schema")
                }
            }
            try tx.execute("INSERT INTO migration_progress (step, source_home, source_change_version) VALUES ('source', ?, ?)",
                           [sourceHome, changeVersion])
            return false
        }
    }

    func state(_ step: String) throws(DomainError) -> State {
        try catalog.read { tx throws(DomainError) -> State in
            let rows = try tx.run("SELECT cursor, copied, done FROM migration_progress WHERE step = ?", [step]).rows
            guard let row = rows.first else { return State(cursor: nil, copied: 0, done: false) }
            guard let (cursor, copied, done) = try? row.decode((String?, Int64, Bool).self) else {
                throw .storage("unreadable migration_progress record for \(step)")
            }
            return State(cursor: cursor, copied: Int(copied), done: done)
        }
    }

    func advance(_ step: String, cursor: String, by count: Int) throws(DomainError) {
        try catalog.write { tx throws(DomainError) in try advance(step, cursor: cursor, by: count, in: tx) }
    }

    func advance(_ step: String, cursor: String, by count: Int, in tx: PostgresTransaction) throws(DomainError) {
        try tx.execute("""
            INSERT INTO migration_progress (step, cursor, copied) VALUES (?, ?, ?)
            ON CONFLICT (step) DO UPDATE SET cursor = EXCLUDED.cursor, copied = migration_progress.copied + EXCLUDED.copied, updated_at = now()
            """, [step, cursor, Int64(count)])
    }

    func finish(_ step: String) throws(DomainError) {
        try catalog.write { tx throws(DomainError) in
            try tx.execute("""
                INSERT INTO migration_progress (step, done) VALUES (?, TRUE)
                ON CONFLICT (step) DO UPDATE SET done = TRUE, updated_at = now()
                """, [step])
        }
    }

    func markComplete() throws(DomainError) { try finish("complete") }

    func isComplete() throws(DomainError) -> Bool { try state("complete").done }
}

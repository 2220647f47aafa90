import Foundation
import GRDB

/// `stockroom migrate`: moves a SQLite home's catalog and blobs to a PostgreSQL catalog and an
/// S3 (or other) blob store, leaving the old home untouched.
///
/// Blobs go first (so the new catalog never names a blob that is not there), in hash order:
/// each is checked against its name in the old home, uploaded, then read back from the target
/// and hashed again. Then every catalog table, in foreign-key order, in batches that keep their
/// ids. Each batch is committed in one PostgreSQL transaction together with the progress
/// record (`migration_progress` in the target schema), so a run that dies anywhere — SIGKILL,
/// power — is continued by the next run from the last committed batch: nothing is copied twice
/// and nothing is skipped. Last, the identity sequences are moved past the copied ids and the
/// row counts of both catalogs compared.
///
/// The old home must not change between the first and the last run: its change counter is
/// recorded at the start, and a resumed run refuses to continue when it moved.
public struct HomeMigration: Sendable {
    public enum Event: Sendable {
        case blob(done: Int, total: Int, hash: String, byteSize: Int64)
        case rows(table: String, done: Int, total: Int)
        case finished(MigrationReport)
    }

    public let source: DataHome
    public let target: PostgresCatalog
    /// Nil copies the catalog only (`debug seed` on PostgreSQL: a catalog without blobs).
    public let targetBlobs: (any BlobStore)?
    /// The target blob store for people (`s3://bucket/prefix`).
    public let targetBlobsName: String
    /// Catalog rows per transaction.
    public var batchSize: Int
    /// Blobs uploaded at the same time.
    public var parallelBlobs: Int

    public init(source: DataHome, target: PostgresCatalog, targetBlobs: (any BlobStore)?, targetBlobsName: String,
                batchSize: Int = 1000, parallelBlobs: Int = 4) {
        self.source = source
        self.target = target
        self.targetBlobs = targetBlobs
        self.targetBlobsName = targetBlobsName
        self.batchSize = max(1, batchSize)
        self.parallelBlobs = max(1, parallelBlobs)
    }

    public func run(onEvent: @Sendable (Event) -> Void = { _ in }) throws(DomainError) -> MigrationReport {
        let sqlite = try source.requireSQLiteCatalog("stockroom migrate")
        let progress = MigrationProgress(catalog: target)
        try progress.prepare()
        try checkTablesAreKnown(sqlite)
        let changeVersion = try sourceChangeVersion(sqlite)
        let resumed = try progress.begin(sourceHome: source.root.path, changeVersion: changeVersion)
        // Finished before: the new home may have moved on since, so only report.
        let finishedBefore = try progress.isComplete()
        let blobs = try copyBlobs(progress, onEvent: onEvent)
        var tables: [MigrationReport.Table] = []
        for copy in CatalogTableCopy.all {
            tables.append(try copyTable(copy, from: sqlite, progress: progress, onEvent: onEvent))
        }
        if !finishedBefore { try finishTables() }
        guard try sourceChangeVersion(sqlite) == changeVersion else {
            throw .conflict("the old home changed while it was being migrated; stop every process using it and migrate again into an empty catalog")
        }
        let mismatched = tables.filter { $0.sourceRows != $0.targetRows }
        if !finishedBefore, let first = mismatched.first {
            throw .storage("migration incomplete: \(first.table) has \(first.sourceRows) rows in the old catalog and \(first.targetRows) in the new one")
        }
        try progress.markComplete()
        let report = MigrationReport(sourceHome: source.root.path, targetCatalog: target.pool.url.description,
                                     targetBlobs: targetBlobsName,
                                     resumed: resumed, blobs: blobs, tables: tables)
        onEvent(.finished(report))
        return report
    }

    // MARK: Blobs

    private func copyBlobs(_ progress: MigrationProgress, onEvent: @Sendable (Event) -> Void) throws(DomainError) -> MigrationReport.Blobs {
        guard let targetBlobs else { return MigrationReport.Blobs(total: 0, copiedThisRun: 0, uploaded: 0, bytesThisRun: 0) }
        let hashes = try source.blobs.allHashes().sorted()
        let state = try progress.state("blobs")
        let remaining = state.cursor.map { cursor in hashes.filter { $0 > cursor } } ?? hashes
        var done = hashes.count - remaining.count
        var bytes: Int64 = 0
        var uploaded = 0
        var index = 0
        while index < remaining.count {
            let group = Array(remaining[index ..< min(remaining.count, index + parallelBlobs)])
            let results = MigrationResults<StoredBlob>(count: group.count)
            DispatchQueue.concurrentPerform(iterations: group.count) { i in
                results.set(i, Result { () throws(DomainError) -> StoredBlob in try copyBlob(group[i], to: targetBlobs) })
            }
            for (offset, result) in results.values.enumerated() {
                let stored: StoredBlob
                switch result {
                case let .success(value): stored = value
                case let .failure(error): throw error
                case nil: throw .storage("blob \(group[offset]) was not copied")
                }
                bytes += stored.byteSize
                if stored.wasNew { uploaded += 1 }
            }
            try progress.advance("blobs", cursor: group.last!, by: group.count)
            for (offset, hash) in group.enumerated() {
                done += 1
                if case let .success(stored)? = results.values[offset] {
                    onEvent(.blob(done: done, total: hashes.count, hash: hash, byteSize: stored.byteSize))
                }
            }
            index += group.count
        }
        return MigrationReport.Blobs(total: hashes.count, copiedThisRun: remaining.count, uploaded: uploaded, bytesThisRun: bytes)
    }

    /// One blob: its bytes checked against its name, sent, and hashed again where they arrived.
    private func copyBlob(_ hash: String, to targetBlobs: any BlobStore) throws(DomainError) -> StoredBlob {
        guard try source.blobs.verify(hash) else {
            throw .storage("blob \(hash) in the old home does not match its hash; run `stockroom blobs verify` there first")
        }
        let file = try source.blobs.localFile(for: hash)
        let stored = try targetBlobs.put(contentsOf: file)
        guard stored.hash == hash else {
            throw .storage("blob \(hash) changed while it was read (its bytes now hash to \(stored.hash))")
        }
        guard try targetBlobs.verify(hash) else {
            throw .storage("blob \(hash) arrived damaged at \(targetBlobs.location(of: hash))")
        }
        return stored
    }

    // MARK: Catalog

    private func copyTable(_ copy: CatalogTableCopy, from sqlite: SQLiteCatalog, progress: MigrationProgress,
                           onEvent: @Sendable (Event) -> Void) throws(DomainError) -> MigrationReport.Table {
        let types = try columnTypes(copy.table)
        let total = try readSource(sqlite) { db in try copy.count(db) }
        var state = try progress.state(copy.table)
        var cursor = state.cursor.flatMap(CatalogTableCopy.cursor(fromJSON:))
        while !state.done {
            guard let batch = try readSource(sqlite, { db in try copy.batch(db, after: cursor, limit: batchSize, types: types) }) else {
                try progress.finish(copy.table)
                break
            }
            try insert(batch.json, columns: batch.columns, into: copy.table, progress: progress, count: batch.count,
                       cursor: CatalogTableCopy.cursorJSON(batch.last))
            cursor = batch.last
            state.copied += batch.count
            onEvent(.rows(table: copy.table, done: min(state.copied, total), total: total))
        }
        let targetRows = try target.read { tx throws(DomainError) in
            try tx.scalar(Int64.self, "SELECT COUNT(*) FROM \(copy.table)") ?? 0
        }
        return MigrationReport.Table(table: copy.table, sourceRows: total, targetRows: Int(targetRows))
    }

    /// Writes one batch and the progress record in one transaction. A row already there (by
    /// its key) is left as it is: the progress record makes that impossible, this keeps it so.
    private func insert(_ json: String, columns: [String], into table: String, progress: MigrationProgress, count: Int,
                        cursor: String) throws(DomainError) {
        let list = columns.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table) (\(list))
            SELECT \(list) FROM json_populate_recordset(NULL::\(table), ?::json) ON CONFLICT DO NOTHING
            """
        try target.write { tx throws(DomainError) in
            try tx.execute(sql, [json])
            try progress.advance(table, cursor: cursor, by: count, in: tx)
        }
    }

    private func columnTypes(_ table: String) throws(DomainError) -> [String: String] {
        let rows = try target.read { tx throws(DomainError) in
            try tx.run("""
                SELECT column_name::text, data_type::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
                """, [table]).rows
        }
        var types: [String: String] = [:]
        for row in rows {
            guard let (name, type) = try? row.decode((String, String).self) else { continue }
            types[name] = type
        }
        guard !types.isEmpty else { throw .storage("the PostgreSQL catalog has no table \(table)") }
        return types
    }

    /// Moves every identity sequence past the copied ids, so new rows get fresh ones, then
    /// vacuums and analyzes the copied tables: a bulk load leaves no planner statistics and no
    /// visibility map until autovacuum comes by, so tag search on a fresh million-asset catalog
    /// would be planned blind and could not count from `asset_tag_tag` alone (index-only scans
    /// need the pages marked all-visible).
    private func finishTables() throws(DomainError) {
        try target.write { tx throws(DomainError) in
            let withIds = Set(try tx.column(String.self, """
                SELECT table_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id'
                """))
            for copy in CatalogTableCopy.all where withIds.contains(copy.table) {
                try tx.run("""
                    SELECT setval(pg_get_serial_sequence('\(copy.table)', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL)
                    FROM \(copy.table)
                    """)
            }
        }
        // VACUUM cannot run inside a transaction block: its own statement on a pooled connection.
        _ = try target.pool.run(PostgresTransaction.query("VACUUM (ANALYZE) \(CatalogTableCopy.all.map(\.table).joined(separator: ", "))", []))
    }

    /// A table of the old catalog that this migration does not know would be lost: refuse.
    private func checkTablesAreKnown(_ sqlite: SQLiteCatalog) throws(DomainError) {
        let tables = try readSource(sqlite) { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        let known = Set(CatalogTableCopy.all.map(\.table))
        if let unknown = tables.first(where: { !known.contains($0) && !CatalogTableCopy.isLeftBehind($0) }) {
            throw .storage("cannot migrate: the catalog has a table this version of stockroom does not know (\(unknown))")
        }
    }

    private func sourceChangeVersion(_ sqlite: SQLiteCatalog) throws(DomainError) -> Int64 {
        try readSource(sqlite) { db in try Int64.fetchOne(db, sql: "SELECT version FROM catalog_change WHERE id = 1") ?? 0 }
    }

    private func readSource<T>(_ sqlite: SQLiteCatalog, _ body: (Database) throws -> T) throws(DomainError) -> T {
        do {
            return try sqlite.writer.read(body)
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("reading the old catalog: \(error)")
        }
    }
}

/// Results of a concurrent group, by index.
private final class MigrationResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<T, DomainError>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, DomainError>) {
        lock.withLock { values[index] = result }
    }
}

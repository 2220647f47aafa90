import ArgumentParser
import Foundation
import StockroomCore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a SQLite home's catalog and blobs to PostgreSQL and S3.",
        discussion: """
        Copies every blob (checked against its hash in this home, uploaded, then read back and hashed \
        again in the bucket) and every catalog row (keeping ids, so share links keep their tokens) into \
        an empty PostgreSQL database or schema. The home itself is only read. An interrupted run is \
        continued by running the same command again: the progress is recorded in the target catalog \
        (table migration_progress) batch by batch, so nothing is copied twice. Stop every process \
        using the home first; a run refuses to continue when the home changed since the migration \
        began. Afterwards point a home at the new backends (its stockroom.yml: catalog: and blobs:, \
        as printed at the end). S3 credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, \
        else from this home's stockroom.yml.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("to-catalog"), help: "The new catalog: postgresql://USER[:PASS]@HOST[:PORT]/DB[?schema=NAME].")
    var toCatalog: String
    @Option(name: .customLong("to-blobs"), help: "The new blob store: s3://BUCKET[/PREFIX]?endpoint=URL&region=R&pathStyle=true.")
    var toBlobs: String
    @Option(name: .customLong("batch-size"), help: "Catalog rows per transaction (default 1000).") var batchSize = 1000
    @Option(help: "Blobs uploaded at the same time (default 4).") var parallel = 4
    @Flag(help: "Print the report as JSON (progress lines still go to standard error).") var json = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be 1 or more") }
        guard parallel >= 1 else { throw ValidationError("--parallel must be 1 or more") }
    }

    func run() throws {
        let home = try global.openHome()
        guard case let .postgres(url) = try BackendConfiguration.parseCatalog(toCatalog) else {
            throw ValidationError("--to-catalog must be a postgresql:// URL")
        }
        guard case let .s3(location) = try BackendConfiguration.parseBlobs(toBlobs, environment: ProcessInfo.processInfo.environment) else {
            throw ValidationError("--to-blobs must be an s3:// URL")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stockroom-migrate-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var backends = BackendConfiguration(catalog: .postgres(url), blobs: .s3(location), blobCacheRoot: scratch, blobCacheBytes: 1 << 30,
                                            credentials: home.backends.credentials)
        backends.credentials = backends.credentials ?? AWSCredentials.fromEnvironment()
        let blobs = try backends.openBlobStore(home: scratch)
        if let s3 = blobs as? S3BlobStore { try s3.checkBucket() }
        let catalog = try PostgresCatalog(url: url)
        defer { catalog.shutdown() }
        let migration = HomeMigration(source: home, target: catalog, targetBlobs: blobs, targetBlobsName: location.description,
                                      batchSize: batchSize, parallelBlobs: parallel)
        let killHook = MigrateTestHook.fromEnvironment()
        let report = try migration.run { event in
            let line: String
            switch event {
            case let .blob(done, total, hash, size):
                line = "blob \(done)/\(total) \(hash.prefix(16)) \(size) bytes"
            case let .rows(table, done, total):
                line = "rows \(table) \(done)/\(total)"
            case .finished:
                line = "done"
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            killHook?.check(event)
        }
        if json {
            try printJSON(report)
        } else {
            printTable(["TABLE", "ROWS", "ARRIVED"], report.tables.map { [$0.table, String($0.sourceRows), String($0.targetRows)] })
            print("\(report.blobs.total) blobs in \(report.targetBlobs) (\(report.blobs.copiedThisRun) sent and verified by this run)"
                + (report.resumed ? "; continued an interrupted migration" : ""))
            print("Point a home at the new backends with this stockroom.yml:")
            print("  catalog: \(url.description)")
            print("  blobs: \(toBlobs)")
        }
    }
}

/// `STOCKROOM_TEST_MIGRATE_KILL_AFTER=blobs:N` or `rows:N`: the process SIGKILLs itself once N
/// blobs (or N catalog rows, across tables) are committed. For the interrupted-migration test.
struct MigrateTestHook {
    static let environmentKey = "STOCKROOM_TEST_MIGRATE_KILL_AFTER"
    let phase: String
    let count: Int
    private let rows = RowCounter()

    static func fromEnvironment() -> MigrateTestHook? {
        guard let value = ProcessInfo.processInfo.environment[environmentKey] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        return MigrateTestHook(phase: String(parts[0]), count: count)
    }

    func check(_ event: HomeMigration.Event) {
        switch event {
        case let .blob(done, _, _, _) where phase == "blobs" && done >= count:
            kill(getpid(), SIGKILL)
        case let .rows(table, done, _) where phase == "rows":
            if rows.record(table, done) >= count { kill(getpid(), SIGKILL) }
        default:
            break
        }
    }

    final class RowCounter: @unchecked Sendable {
        private var done: [String: Int] = [:]
        private let lock = NSLock()
        func record(_ table: String, _ count: Int) -> Int {
            lock.withLock {
                done[table] = count
                return done.values.reduce(0, +)
            }
        }
    }
}

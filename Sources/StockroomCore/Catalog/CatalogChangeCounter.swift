import Foundation
import GRDB

/// A number that changes whenever the catalog changes in a way that can alter what a share link
/// shows, whoever made the change.
///
/// The `catalog_change` row is bumped by triggers (migration `v3-share-edge`) on the tables that
/// decide a link's content: libraries, folders, assets, versions, renditions, tags, collections
/// and links. Updates that only move counters (an asset's downloads, a link's views) are left
/// out, so serving does not invalidate its own caches. Commits through this process's writer
/// mark the known value stale at once; commits by other processes (the CLI) are seen at the
/// next read, at most `maxAge` later.
public final class CatalogChangeCounter: @unchecked Sendable {
    /// Tables whose changes bump the counter.
    static let observedTables = [
        "library", "folder", "asset", "tag", "asset_tag", "asset_version", "rendition", "collection", "collection_item", "share_link",
    ]
    /// Tables given triggers by later migrations (`v4-client-review`: decisions and comments,
    /// which the cached gallery of a COMMENT link shows). `observedTables` stays as `v3` made it.
    static let laterObservedTables = ["share_review", "comment"]

    static var migrationSQL: String {
        var sql = """
        CREATE TABLE catalog_change (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
        INSERT INTO catalog_change (id, version) VALUES (1, 0);

        """
        let bump = "BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;"
        for table in observedTables {
            for event in ["INSERT", "DELETE"] {
                sql += "CREATE TRIGGER catalog_change_\(table)_\(event.lowercased()) AFTER \(event) ON \(table) \(bump)\n"
            }
            let when: String = switch table {
            case "asset": "WHEN OLD.downloadCount IS NEW.downloadCount "
            case "share_link": "WHEN OLD.accessCount IS NEW.accessCount "
            default: ""
            }
            sql += "CREATE TRIGGER catalog_change_\(table)_update AFTER UPDATE ON \(table) FOR EACH ROW \(when)\(bump)\n"
        }
        return sql
    }

    private let readVersion: @Sendable () throws(DomainError) -> Int64
    public let maxAge: Duration
    private let clock = ContinuousClock()
    private let lock = NSLock()
    private var known: Int64 = -1
    private var stale = true
    private var checkedAt: ContinuousClock.Instant
    /// Reads begun, and the latest begun whose result is stored.
    private var startedTickets = 0
    private var storedTicket = 0

    public init(writer: any DatabaseWriter, maxAge: Duration = .milliseconds(100)) {
        self.readVersion = { () throws(DomainError) -> Int64 in
            do {
                return try writer.read { db in try Int64.fetchOne(db, sql: "SELECT version FROM catalog_change WHERE id = 1") ?? 0 }
            } catch {
                throw StoreErrorMapping.map(error)
            }
        }
        self.maxAge = maxAge
        self.checkedAt = clock.now
        // `.databaseLifetime`: the writer keeps the observer (with `.observerLifetime` it holds it
        // weakly, and an observer nobody else references is gone at once).
        writer.add(transactionObserver: CommitObserver { [weak self] in self?.markStale() }, extent: .databaseLifetime)
    }

    /// A counter read by `readVersion` (PostgreSQL: the `catalog_change` row its triggers bump).
    /// Without a commit observer, changes are seen at the next read, at most `maxAge` later.
    public init(maxAge: Duration = .milliseconds(100), readVersion: @escaping @Sendable () throws(DomainError) -> Int64) {
        self.readVersion = readVersion
        self.maxAge = maxAge
        self.checkedAt = clock.now
    }

    /// The version when it is known to be current without a query; `nil` means call `refresh()`.
    public func knownVersion() -> Int64? {
        lock.lock()
        defer { lock.unlock() }
        guard !stale, clock.now - checkedAt < maxAge else { return nil }
        return known
    }

    /// Reads the version from the catalog (a blocking read: call it off the cooperative pool).
    public func refresh() throws(DomainError) -> Int64 {
        let started = clock.now
        lock.lock()
        stale = false
        startedTickets += 1
        let ticket = startedTickets
        lock.unlock()
        let version: Int64
        do {
            version = try readVersion()
        } catch {
            markStale()
            throw error
        }
        lock.lock()
        // Two reads can overlap (the background refresh and a request's): one that began before
        // a commit must not, finishing last, put back the version from before it.
        if ticket > storedTicket {
            storedTicket = ticket
            known = version
            checkedAt = started
        }
        lock.unlock()
        return version
    }

    private func markStale() {
        lock.lock()
        stale = true
        lock.unlock()
    }

    /// Marks the counter stale on every commit that touched an observed table.
    private final class CommitObserver: TransactionObserver {
        let onCommit: @Sendable () -> Void
        var changed = false

        init(onCommit: @escaping @Sendable () -> Void) {
            self.onCommit = onCommit
        }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            CatalogChangeCounter.observedTables.contains(eventKind.tableName)
                || CatalogChangeCounter.laterObservedTables.contains(eventKind.tableName) || eventKind.tableName == "catalog_change"
        }

        func databaseDidChange(with event: DatabaseEvent) { changed = true }

        func databaseDidCommit(_ db: Database) {
            if changed { onCommit() }
            changed = false
        }

        func databaseDidRollback(_ db: Database) { changed = false }
    }
}

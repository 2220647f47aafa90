import Foundation
import NIOCore
import StockroomCore

/// The fast path of share-link requests: a resolved link (the link, its members, their files and
/// what each may show) is kept in memory and reused until the catalog's change counter moves,
/// or for at most `maxAge` (smart collections with relative dates, such as "captured in the last
/// 7 days", change with the clock alone). A thumbnail request then costs a counter check, a
/// dictionary lookup and a file send. Unknown tokens are never cached.
final class ShareEdge: @unchecked Sendable {
    /// A cached link and the pages rendered from it, valid for one catalog version.
    final class Entry: @unchecked Sendable {
        let share: ResolvedShare
        let version: Int64
        private var rendered: [String: ByteBuffer] = [:]
        private var renditions: [RenditionKey: PreparedRendition] = [:]
        private let lock = NSLock()

        init(share: ResolvedShare, version: Int64) {
            self.share = share
            self.version = version
        }

        /// The `view` route's answer for one rendition of one member, made once per version
        /// (`PreparedRendition`). Only what `make` finds is kept: the link's members and their
        /// renditions bound the table, whatever ids requests name.
        func rendition(assetId: Int64, type: RenditionType, make: () -> PreparedRendition?) -> PreparedRendition? {
            let key = RenditionKey(assetId: assetId, type: type)
            lock.lock()
            if let hit = renditions[key] {
                lock.unlock()
                return hit
            }
            lock.unlock()
            guard let made = make() else { return nil }
            lock.lock()
            renditions[key] = made
            lock.unlock()
            return made
        }

        /// A page rendered once per version (the gallery's HTML and JSON are the same for every client).
        func page(_ key: String, render: () throws -> ByteBuffer) rethrows -> ByteBuffer {
            lock.lock()
            if let hit = rendered[key] {
                lock.unlock()
                return hit
            }
            lock.unlock()
            let made = try render()
            lock.lock()
            rendered[key] = made
            lock.unlock()
            return made
        }
    }

    struct RenditionKey: Hashable {
        var assetId: Int64
        var type: RenditionType
    }

    let shares: ShareService
    let changes: CatalogChangeCounter
    let work: BlockingWork
    let maxAge: TimeInterval
    let capacity: Int
    private var entries: [String: Entry] = [:]
    private let lock = NSLock()

    init(shares: ShareService, changes: CatalogChangeCounter, work: BlockingWork, maxAge: TimeInterval = 60, capacity: Int = 2_000) {
        self.shares = shares
        self.changes = changes
        self.work = work
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// The live link with this token: `notFound` for unknown or revoked, `expired` past its expiry.
    func entry(token: String, now: Date = Date()) async throws -> Entry {
        guard SecretToken.isWellFormed(token) else { throw ShareAccessError.notFound }
        let version = try await currentVersion()
        if let cached = fresh(token, version: version, now: now) {
            try cached.share.checkOpen(now: now)
            return cached
        }
        let shares = self.shares
        let share = try await work.run { () throws -> ResolvedShare in try shares.resolve(token: token, now: now) }
        let entry = Entry(share: share, version: version)
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
        return entry
    }

    /// The entry `entry(token:)` would return, when that is known without the catalog (the change
    /// counter is current and the entry was loaded at its version, less than `maxAge` ago) and the
    /// link is open; `nil` otherwise. For the event-loop fast path, which cannot wait for a query.
    func cachedEntry(token: String, now: Date = Date()) -> Entry? {
        guard SecretToken.isWellFormed(token), let version = changes.knownVersion(),
              let cached = fresh(token, version: version, now: now), (try? cached.share.checkOpen(now: now)) != nil
        else { return nil }
        return cached
    }

    /// The cached entry of this token if it was loaded at `version` and is younger than `maxAge`.
    private func fresh(_ token: String, version: Int64, now: Date) -> Entry? {
        guard let cached = lock.withLock({ entries[token] }), cached.version == version,
              now.timeIntervalSince(cached.share.loadedAt) < maxAge else { return nil }
        return cached
    }

    /// The catalog's change version, read from the catalog only when a commit or `maxAge` of the
    /// counter made the known one stale.
    func currentVersion() async throws -> Int64 {
        if let known = changes.knownVersion() { return known }
        let changes = self.changes
        return try await work.run { try changes.refresh() }
    }
}

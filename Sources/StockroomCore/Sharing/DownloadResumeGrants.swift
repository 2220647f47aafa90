import Foundation

/// How a resumed download counts.
///
/// A download is counted when a response that starts at byte 0 is served (no `Range`, or a range
/// from byte 0). That download opens a grant for the same file, the same link and the same client
/// (address and user agent): for `window` seconds, up to `maxResumes` requests for a range that
/// starts after byte 0 are part of it and are not counted again. A range after byte 0 without a
/// grant is a new download: counted, and refused once the cap is reached, so an exhausted link
/// serves no byte of the file to anyone who has not already been counted for it. Grants live in
/// memory; after a restart a resume counts as a new download.
public final class DownloadResumeGrants: @unchecked Sendable {
    public struct Key: Hashable, Sendable {
        public var linkId: Int64
        public var assetId: Int64?
        /// `ORIGINAL`, a rendition type, or `ZIP`.
        public var file: String
        public var client: String

        public init(linkId: Int64, assetId: Int64?, file: String, client: ShareClient) {
            self.linkId = linkId
            self.assetId = assetId
            self.file = file
            self.client = "\(client.address ?? "-")|\(client.userAgent ?? "-")"
        }
    }

    private struct Grant {
        var openedAt: Date
        var resumesLeft: Int
    }

    public let window: TimeInterval
    public let maxResumes: Int
    /// At most this many grants are held; the oldest go first.
    public let capacity: Int
    private var grants: [Key: Grant] = [:]
    private let lock = NSLock()

    public init(window: TimeInterval = 3_600, maxResumes: Int = 20, capacity: Int = 20_000) {
        self.window = window
        self.maxResumes = maxResumes
        self.capacity = capacity
    }

    /// Opens (or renews) the grant after a counted download.
    public func open(_ key: Key, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        if grants.count >= capacity { evict(now: now) }
        grants[key] = Grant(openedAt: now, resumesLeft: maxResumes)
    }

    /// Takes one resume from the grant for `key`; `false` when there is none (or it is used up or old).
    public func takeResume(_ key: Key, now: Date = Date()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard var grant = grants[key], now.timeIntervalSince(grant.openedAt) < window, grant.resumesLeft > 0 else {
            grants[key] = nil
            return false
        }
        grant.resumesLeft -= 1
        grants[key] = grant
        return true
    }

    /// Whether a live grant exists (for HEAD, which takes nothing).
    public func hasGrant(_ key: Key, now: Date = Date()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let grant = grants[key] else { return false }
        return now.timeIntervalSince(grant.openedAt) < window && grant.resumesLeft > 0
    }

    private func evict(now: Date) {
        grants = grants.filter { now.timeIntervalSince($0.value.openedAt) < window }
        if grants.count >= capacity {
            let oldest = grants.sorted { $0.value.openedAt < $1.value.openedAt }.prefix(grants.count - capacity / 2)
            for (key, _) in oldest { grants[key] = nil }
        }
    }
}

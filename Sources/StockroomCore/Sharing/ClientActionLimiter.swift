import Foundation

/// Limits what share-link clients may write — comments, decisions, selection picks — per client
/// address and link, and per link from all addresses, in a sliding window. Together with the
/// catalog's cap on comments per link (`ClientReviewService.maxCommentsPerLink`) it keeps a
/// client, or a script holding a link, from filling the catalog. Held in memory, like the
/// password limiter.
public final class ClientActionLimiter: @unchecked Sendable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case comment, review, selection
    }

    public struct Limit: Sendable, Equatable {
        public var perAddress: Int
        public var perLink: Int

        public init(perAddress: Int, perLink: Int) {
            self.perAddress = perAddress
            self.perLink = perLink
        }
    }

    private struct Key: Hashable {
        var action: Action
        var address: String?
        var linkId: Int64
    }

    public let limits: [Action: Limit]
    public let window: TimeInterval
    private var events: [Key: [Date]] = [:]
    private let lock = NSLock()

    /// 30 comments per address and link in 10 minutes (300 per link), 120 decisions (600), 300 picks (1500).
    public static let standardLimits: [Action: Limit] = [
        .comment: Limit(perAddress: 30, perLink: 300),
        .review: Limit(perAddress: 120, perLink: 600),
        .selection: Limit(perAddress: 300, perLink: 1_500),
    ]

    public init(limits: [Action: Limit] = ClientActionLimiter.standardLimits, window: TimeInterval = 600) {
        self.limits = limits
        self.window = window
    }

    /// Counts one `action` if both limits allow it; otherwise says how many seconds to wait.
    public func admit(_ action: Action, address: String?, linkId: Int64, now: Date = Date()) -> Int? {
        guard let limit = limits[action] else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if events.count > 20_000 { sweep(now: now) }
        let mineKey = Key(action: action, address: address ?? "unknown", linkId: linkId)
        let linkKey = Key(action: action, address: nil, linkId: linkId)
        let mine = pruned(events[mineKey], now: now)
        let all = pruned(events[linkKey], now: now)
        if mine.count >= limit.perAddress || all.count >= limit.perLink {
            let blocking = mine.count >= limit.perAddress ? mine : all
            let oldest = blocking.first ?? now
            events[mineKey] = mine
            events[linkKey] = all
            return max(1, Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
        }
        events[mineKey] = mine + [now]
        events[linkKey] = all + [now]
        return nil
    }

    private func sweep(now: Date) {
        events = events.compactMapValues { dates in
            let kept = pruned(dates, now: now)
            return kept.isEmpty ? nil : kept
        }
    }

    private func pruned(_ dates: [Date]?, now: Date) -> [Date] {
        (dates ?? []).filter { now.timeIntervalSince($0) < window }
    }
}

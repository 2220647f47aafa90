import Foundation

/// Counts wrong share-link passwords per client address and blocks an address that fails too
/// often within a window. Held in memory: a restart forgets, which only ever helps a real client.
public final class PasswordAttemptLimiter: @unchecked Sendable {
    public let maxFailures: Int
    public let window: TimeInterval
    private var failures: [String: [Date]] = [:]
    private let lock = NSLock()

    public init(maxFailures: Int = 5, window: TimeInterval = 600) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds until `address` may try again, or `nil` when it may try now.
    public func retryAfter(address: String, now: Date = Date()) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let recent = prune(address, now: now)
        guard recent.count >= maxFailures, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    public func recordFailure(address: String, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        failures[address, default: []].append(now)
        _ = prune(address, now: now)
    }

    public func recordSuccess(address: String) {
        lock.lock()
        defer { lock.unlock() }
        failures[address] = nil
    }

    private func prune(_ address: String, now: Date) -> [Date] {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        return recent
    }
}

import Foundation

/// Limits share-link password attempts per client address and per link.
///
/// An attempt is *reserved* before bcrypt runs, under one lock, and counts against both limits
/// from that moment: twenty parallel guesses from a fresh address get `maxPerAddress` evaluations
/// and the rest are refused at once, whatever order they arrive in. A reservation that turns out
/// to carry the right password is removed again (a correct password is not a failure) and clears
/// that address's failures on that link. Held in memory: a restart forgets, which only ever
/// helps a real client.
public final class PasswordAttemptLimiter: @unchecked Sendable {
    /// One attempt that may go on to bcrypt; settle it with `settle(_:succeeded:)`.
    public struct Reservation: Sendable, Equatable {
        fileprivate let id: UInt64
        public let address: String
        public let linkId: Int64
    }

    public enum Decision: Sendable, Equatable {
        case granted(Reservation)
        case refused(retryAfterSeconds: Int)
    }

    private struct Attempt {
        var id: UInt64
        var at: Date
    }

    private struct AddressOnLink: Hashable {
        var address: String
        var linkId: Int64
    }

    /// Attempts one address may make on one link within `window`.
    public let maxPerAddress: Int
    /// Attempts all addresses together may make on one link within `window` (a spread-out guess).
    public let maxPerLink: Int
    public let window: TimeInterval
    private var byAddress: [AddressOnLink: [Attempt]] = [:]
    private var byLink: [Int64: [Attempt]] = [:]
    private var nextId: UInt64 = 0
    private let lock = NSLock()

    public init(maxPerAddress: Int = 5, maxPerLink: Int = 50, window: TimeInterval = 600) {
        self.maxPerAddress = maxPerAddress
        self.maxPerLink = maxPerLink
        self.window = window
    }

    /// Reserves one attempt for `address` on `linkId`, or says how long to wait.
    public func reserve(address: String, linkId: Int64, now: Date = Date()) -> Decision {
        lock.lock()
        defer { lock.unlock() }
        if byAddress.count > 10_000 { sweep(now: now) }
        let key = AddressOnLink(address: address, linkId: linkId)
        let mine = pruned(byAddress[key], now: now)
        let link = pruned(byLink[linkId], now: now)
        byAddress[key] = mine.isEmpty ? nil : mine
        byLink[linkId] = link.isEmpty ? nil : link
        if mine.count >= maxPerAddress || link.count >= maxPerLink {
            let blocking = mine.count >= maxPerAddress ? mine : link
            let oldest = blocking.first?.at ?? now
            return .refused(retryAfterSeconds: max(1, Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up))))
        }
        nextId &+= 1
        let attempt = Attempt(id: nextId, at: now)
        byAddress[key, default: []].append(attempt)
        byLink[linkId, default: []].append(attempt)
        return .granted(Reservation(id: attempt.id, address: address, linkId: linkId))
    }

    /// A wrong password stays counted; a right one is taken back and clears the address's failures.
    public func settle(_ reservation: Reservation, succeeded: Bool) {
        guard succeeded else { return }
        lock.lock()
        defer { lock.unlock() }
        byAddress[AddressOnLink(address: reservation.address, linkId: reservation.linkId)] = nil
        byLink[reservation.linkId]?.removeAll { $0.id == reservation.id }
        if byLink[reservation.linkId]?.isEmpty == true { byLink[reservation.linkId] = nil }
    }

    /// Forgets every attempt older than the window, so addresses that never return take no memory.
    private func sweep(now: Date) {
        byAddress = byAddress.compactMapValues { attempts in
            let kept = pruned(attempts, now: now)
            return kept.isEmpty ? nil : kept
        }
        byLink = byLink.compactMapValues { attempts in
            let kept = pruned(attempts, now: now)
            return kept.isEmpty ? nil : kept
        }
    }

    private func pruned(_ attempts: [Attempt]?, now: Date) -> [Attempt] {
        (attempts ?? []).filter { now.timeIntervalSince($0.at) < window }
    }
}

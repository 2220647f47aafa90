import Foundation

/// The result of a license audit: every finding, counts per class, and what `--apply` did.
public struct LicenseAuditReport: Codable, Sendable, Equatable {
    public var generatedAt: Date
    /// Licenses ending before this instant (and not yet ended) count as expiring.
    public var expiringBefore: Date
    public var assetsAudited: Int
    /// Assets with at least one finding.
    public var assetsWithFindings: Int
    /// Findings per class, every class present (0 when clean).
    public var counts: [String: Int]
    public var findings: [LicenseFinding]
    /// Present when the audit ran with `--apply`.
    public var applied: ExpiryWithdrawal?

    public func count(_ findingClass: LicenseFindingClass) -> Int { counts[findingClass.rawValue] ?? 0 }

    /// The classes among `failOn` that have findings.
    public func failing(on failOn: Set<LicenseFindingClass>) -> [LicenseFindingClass] {
        LicenseFindingClass.allCases.filter { failOn.contains($0) && count($0) > 0 }
    }
}

/// What withdrawing expired assets changed.
public struct ExpiryWithdrawal: Codable, Sendable, Equatable {
    /// Assets whose status was set to EXPIRED.
    public var assetsExpired: Int
    /// Share links pointing directly at an expired asset that were revoked.
    public var shareLinksRevoked: Int
}

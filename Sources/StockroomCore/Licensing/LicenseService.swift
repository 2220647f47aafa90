import Foundation

/// Rights management: setting licenses on selections and the daily audit.
public struct LicenseService: Sendable {
    let licenses: any LicenseRepository
    let organizationId: String
    let clock: @Sendable () -> Date

    public init(licenses: any LicenseRepository, organizationId: String = Organization.defaultId,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.licenses = licenses
        self.organizationId = organizationId
        self.clock = clock
    }

    public func set(_ change: LicenseChange, on selection: AssetSelection, dryRun: Bool = false, by actor: Actor) throws(DomainError) -> BulkChangeReport {
        if let holder = change.copyrightHolder, holder.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidArgument("--holder needs a name")
        }
        return try licenses.setLicense(change, on: selection, dryRun: dryRun, by: actor, now: clock(), organizationId: organizationId)
    }

    public func clear(on selection: AssetSelection, dryRun: Bool = false, by actor: Actor) throws(DomainError) -> BulkChangeReport {
        try licenses.clearLicense(on: selection, dryRun: dryRun, by: actor, now: clock(), organizationId: organizationId)
    }

    /// Audits every asset; with `apply`, withdraws expired assets afterwards. The findings
    /// describe the catalog as it was before applying.
    public func audit(expiringWithin window: TimeInterval, apply: Bool, by actor: Actor) throws(DomainError) -> LicenseAuditReport {
        let now = clock()
        let before = now.addingTimeInterval(window)
        let (audited, findings) = try licenses.licenseFindings(now: now, expiringBefore: before, organizationId: organizationId)
        var counts = Dictionary(uniqueKeysWithValues: LicenseFindingClass.allCases.map { ($0.rawValue, 0) })
        for finding in findings { counts[finding.findingClass.rawValue, default: 0] += 1 }
        var applied: ExpiryWithdrawal?
        if apply { applied = try licenses.withdrawExpiredAssets(now: now, by: actor, organizationId: organizationId) }
        return LicenseAuditReport(
            generatedAt: now, expiringBefore: before, assetsAudited: audited,
            assetsWithFindings: Set(findings.map(\.assetId)).count, counts: counts, findings: findings, applied: applied)
    }
}

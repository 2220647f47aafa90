import Foundation

/// License storage and the set-wise checks of the audit.
public protocol LicenseRepository: Sendable {
    /// Writes `change` on the selected assets (one transaction, one activity entry unless `dryRun`).
    func setLicense(_ change: LicenseChange, on selection: AssetSelection, dryRun: Bool, by actor: Actor,
                    now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport
    /// Clears license, details, end date and usage rights on the selected assets.
    func clearLicense(on selection: AssetSelection, dryRun: Bool, by actor: Actor, now: Date,
                      organizationId: String) throws(DomainError) -> BulkChangeReport
    /// Every finding as of `now`, ordered by asset id then class.
    func licenseFindings(now: Date, expiringBefore: Date, organizationId: String) throws(DomainError) -> (audited: Int, findings: [LicenseFinding])
    /// Sets expired assets to EXPIRED and revokes share links pointing at them; changes nothing
    /// when there is nothing left to withdraw.
    func withdrawExpiredAssets(now: Date, by actor: Actor, organizationId: String) throws(DomainError) -> ExpiryWithdrawal
}

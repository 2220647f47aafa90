import Foundation

/// Staff approval of assets in bulk: `stockroom asset approve|reject (--where QUERY | --ids-from FILE)`.
/// An approval records who and when on the asset (`approvedBy`, `approvedAt`); a rejection
/// withdraws it (the asset leaves every share link). Each changed asset gets an activity entry
/// (`asset.approved` / `asset.rejected`) with the note.
public struct ApprovalService: Sendable {
    let approvals: any ApprovalRepository
    let organizationId: String
    let clock: @Sendable () -> Date

    public init(approvals: any ApprovalRepository, organizationId: String = Organization.defaultId,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.approvals = approvals
        self.organizationId = organizationId
        self.clock = clock
    }

    public func approve(_ selection: AssetSelection, note: String? = nil, dryRun: Bool = false, by actor: Actor) throws(DomainError) -> BulkChangeReport {
        try approvals.setApproval(.approved, on: selection, note: try CommentRules.note(note), dryRun: dryRun, by: actor,
                                  now: clock(), organizationId: organizationId)
    }

    public func reject(_ selection: AssetSelection, note: String? = nil, dryRun: Bool = false, by actor: Actor) throws(DomainError) -> BulkChangeReport {
        try approvals.setApproval(.rejected, on: selection, note: try CommentRules.note(note), dryRun: dryRun, by: actor,
                                  now: clock(), organizationId: organizationId)
    }
}

public protocol ApprovalRepository: Sendable {
    /// Sets `status` (APPROVED or REJECTED) on the selected assets that do not have it yet, in
    /// one transaction with one activity entry per changed asset.
    func setApproval(_ status: AssetStatus, on selection: AssetSelection, note: String?, dryRun: Bool, by actor: Actor,
                     now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport
}

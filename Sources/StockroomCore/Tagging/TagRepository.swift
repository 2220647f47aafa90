import Foundation

/// Tag storage as the tagging service needs it.
public protocol TagRepository: Sendable {
    /// Applies `operation` with `tags` (already cleaned, distinct by normalized form) to the
    /// selected assets in one transaction, and logs one activity entry unless `dryRun`.
    func changeTags(_ operation: TagOperation, tags: [String], on selection: AssetSelection, dryRun: Bool,
                    by actor: Actor, now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport
    func tagUsage(organizationId: String) throws(DomainError) -> [TagUsage]
    /// Renames `old` (and its descendants) to `new`, merging into tags that already exist.
    func renameTag(_ old: String, to new: String, by actor: Actor, now: Date, organizationId: String) throws(DomainError) -> TagRenameReport
}

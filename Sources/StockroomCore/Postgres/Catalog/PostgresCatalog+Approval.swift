import Foundation

// Staff approval in bulk (`stockroom asset approve|reject`), as the SQLite catalog's: the
// selection is materialized, the assets that do not have the status yet change, each gets its
// own activity entry — written set-wise, one statement for all of them, before the update so
// the entry can name the status it replaces.
extension PostgresCatalog: ApprovalRepository {
    public func setApproval(_ status: AssetStatus, on selection: AssetSelection, note: String?, dryRun: Bool, by actor: Actor,
                            now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        guard status == .approved || status == .rejected else { throw .invalidArgument("approval sets APPROVED or REJECTED") }
        return try write { tx throws(DomainError) in
            let matched = try Self.materialize(selection, tx, now: now, organizationId: organizationId)
            let changed = try Self.materializeChanged(tx, joining: "JOIN asset ON asset.id = selected_asset.asset_id",
                                                      where: "asset.status IS DISTINCT FROM ?", [status.rawValue])
            let report = BulkChangeReport(selection: selection.summary, dryRun: dryRun, matched: matched, changed: changed,
                                          sample: try Self.changedSample(tx))
            guard !dryRun, changed > 0 else { return report }
            let approving = status == .approved
            var metadata = "jsonb_build_object('status', ?::text, 'previousStatus', asset.status, 'selection', ?::text)"
            var values: [any SQLValueConvertible] = [actor.kind.rawValue, actor.name, approving ? "asset.approved" : "asset.rejected",
                                                     approving ? "Approved " : "Rejected ", note.map { ": \($0)" } ?? "",
                                                     status.rawValue, selection.summary]
            if let note {
                metadata += " || jsonb_build_object('note', ?::text)"
                values.append(note)
            }
            values.append(now)
            try tx.execute("""
                INSERT INTO activity (organization_id, actor_type, actor_name, action, entity_type, entity_id, entity_title,
                                      description, metadata, occurred_at)
                SELECT asset.organization_id, ?, ?, ?, 'asset', asset.id::text, asset.name, ? || asset.name || ?, \(metadata), ?
                FROM changed_asset JOIN asset ON asset.id = changed_asset.asset_id ORDER BY asset.id
                """, values)
            if approving {
                try tx.execute("""
                    UPDATE asset SET status = 'APPROVED', approved_by = ?, approved_at = ?, last_edited_by = ?, updated_at = ?
                    WHERE id IN (SELECT asset_id FROM changed_asset)
                    """, [actor.name, now, actor.name, now])
            } else {
                try tx.execute("""
                    UPDATE asset SET status = 'REJECTED', approved_by = NULL, approved_at = NULL, last_edited_by = ?, updated_at = ?
                    WHERE id IN (SELECT asset_id FROM changed_asset)
                    """, [actor.name, now])
            }
            return report
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: ApprovalRepository {
    public func setApproval(_ status: AssetStatus, on selection: AssetSelection, note: String?, dryRun: Bool, by actor: Actor,
                            now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        guard status == .approved || status == .rejected else { throw .invalidArgument("approval sets APPROVED or REJECTED") }
        return try write { db in
            defer { try? Self.dropSelectionTables(db) }
            let matched = try Self.materialize(selection, db, now: now, organizationId: organizationId)
            let changed = try Self.materializeChanged(db, where: SQLFragment(
                "(SELECT status FROM asset WHERE asset.id = selected_asset.assetId) IS NOT ?", [status.rawValue]))
            let report = BulkChangeReport(selection: selection.summary, dryRun: dryRun, matched: matched, changed: changed,
                                          sample: try Self.changedSample(db))
            guard !dryRun, changed > 0 else { return report }
            let before = try Row.fetchAll(db, sql: """
                SELECT asset.id, asset.name, asset.status, asset.organizationId FROM temp.changed_asset JOIN asset ON asset.id = changed_asset.assetId
                ORDER BY asset.id
                """)
            if status == .approved {
                try db.execute(sql: """
                    UPDATE asset SET status = 'APPROVED', approvedBy = ?, approvedAt = ?, lastEditedBy = ?, updatedAt = ?
                    WHERE id IN (SELECT assetId FROM temp.changed_asset)
                    """, arguments: [actor.name, now, actor.name, now])
            } else {
                try db.execute(sql: """
                    UPDATE asset SET status = 'REJECTED', approvedBy = NULL, approvedAt = NULL, lastEditedBy = ?, updatedAt = ?
                    WHERE id IN (SELECT assetId FROM temp.changed_asset)
                    """, arguments: [actor.name, now])
            }
            let action = status == .approved ? "asset.approved" : "asset.rejected"
            for row in before {
                let name: String = row["name"]
                var metadata: [String: JSONValue] = [
                    "status": .string(status.rawValue), "previousStatus": .string(row["status"]),
                    "selection": .string(selection.summary),
                ]
                if let note { metadata["note"] = .string(note) }
                try Self.logActivity(db, Activity(
                    organizationId: row["organizationId"], actor: actor, action: action, entityType: "asset",
                    entityId: String(row["id"] as Int64), entityTitle: name,
                    description: "\(status == .approved ? "Approved" : "Rejected") \(name)\(note.map { ": \($0)" } ?? "")",
                    metadata: .object(metadata), now: now))
            }
            return report
        }
    }
}

import Foundation

extension AssetPatch {
    /// The activity entries of a staff edit, written alike by both catalogs: `asset.updated`
    /// naming the fields, and `asset.approved` / `asset.rejected` when the edit changed the status so.
    func activities(on asset: Asset, previousStatus: AssetStatus, by actor: Actor, now: Date) -> [Activity] {
        let id = String(asset.id!)
        let fields = fieldNames
        var entries = [Activity(
            organizationId: asset.organizationId, actor: actor, action: "asset.updated", entityType: "asset", entityId: id,
            entityTitle: asset.name, description: "Changed \(fields.joined(separator: ", ")) of \(asset.name)",
            metadata: .object(["fields": .array(fields.map(JSONValue.string))]), now: now)]
        if let status, status != previousStatus, status == .approved || status == .rejected {
            entries.append(Activity(
                organizationId: asset.organizationId, actor: actor, action: status == .approved ? "asset.approved" : "asset.rejected",
                entityType: "asset", entityId: id, entityTitle: asset.name,
                description: "\(status == .approved ? "Approved" : "Rejected") \(asset.name)",
                metadata: .object(["status": .string(status.rawValue), "previousStatus": .string(previousStatus.rawValue)]), now: now))
        }
        return entries
    }
}

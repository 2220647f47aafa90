import Foundation

// The activity log reader (`stockroom activity`, `GET /api/v1/activity`), as the SQLite
// catalog's: newest first, with the total; the entries are the rows every write logs.
extension PostgresCatalog: ActivityRepository {
    public func activity(matching filter: ActivityFilter) throws(DomainError) -> (entries: [Activity], total: Int) {
        var conditions = ["t.organization_id = ?"]
        var values: [any SQLValueConvertible] = [filter.organizationId]
        if let since = filter.since {
            conditions.append("t.occurred_at >= ?")
            values.append(since)
        }
        if let actor = filter.actorName {
            conditions.append("lower(t.actor_name) = lower(?)")
            values.append(actor)
        }
        if let entity = filter.entity {
            var alternatives: [String] = []
            if !entity.id.isEmpty {
                alternatives.append("(t.entity_type = ? AND t.entity_id = ?)")
                values += [entity.type, entity.id]
            }
            if let title = entity.title {
                alternatives.append("(t.entity_type = ? AND t.entity_title = ?)")
                values += [entity.type, title]
            }
            if let linkId = entity.throughShareLinkId {
                // Entries made through a share link name it in their metadata (client comments, decisions).
                alternatives.append("(jsonb_typeof(t.metadata -> 'shareLinkId') = 'number' AND (t.metadata ->> 'shareLinkId')::numeric = ?::bigint)")
                values.append(linkId)
            }
            conditions.append(alternatives.isEmpty ? "FALSE" : "(" + alternatives.joined(separator: " OR ") + ")")
        }
        let condition = conditions.joined(separator: " AND ")
        return try read { tx throws(DomainError) in
            let total = try tx.scalar(Int64.self, "SELECT count(*) FROM activity t WHERE \(condition)", values) ?? 0
            let entries = try tx.records(Activity.self, """
                SELECT row_to_json(t)::text FROM activity t WHERE \(condition) ORDER BY t.occurred_at DESC, t.id DESC LIMIT ? OFFSET ?
                """, values + [filter.limit, filter.offset])
            return (entries, Int(total))
        }
    }
}

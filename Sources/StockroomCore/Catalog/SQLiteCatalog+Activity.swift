import Foundation
import GRDB

extension SQLiteCatalog: ActivityRepository {
    public func activity(matching filter: ActivityFilter) throws(DomainError) -> (entries: [Activity], total: Int) {
        var conditions: [SQL] = ["organizationId = \(filter.organizationId)"]
        if let since = filter.since { conditions.append("occurredAt >= \(since)") }
        if let actor = filter.actorName { conditions.append("actorName = \(actor) COLLATE NOCASE") }
        if let entity = filter.entity {
            var alternatives: [SQL] = []
            if !entity.id.isEmpty { alternatives.append("(entityType = \(entity.type) AND entityId = \(entity.id))") }
            if let title = entity.title { alternatives.append("(entityType = \(entity.type) AND entityTitle = \(title))") }
            if let linkId = entity.throughShareLinkId {
                alternatives.append("(metadata IS NOT NULL AND json_valid(metadata) AND json_extract(metadata, '$.shareLinkId') = \(linkId))")
            }
            conditions.append(alternatives.isEmpty ? "0" : "(" + alternatives.joined(separator: " OR ") + ")")
        }
        let whereClause = conditions.joined(separator: " AND ")
        return try read { db in
            let total = try SQLRequest<Int>(literal: "SELECT count(*) FROM activity WHERE \(whereClause)").fetchOne(db) ?? 0
            let entries = try SQLRequest<Activity>(literal: """
                SELECT * FROM activity WHERE \(whereClause) ORDER BY occurredAt DESC, id DESC LIMIT \(filter.limit) OFFSET \(filter.offset)
                """).fetchAll(db)
            return (entries, total)
        }
    }
}

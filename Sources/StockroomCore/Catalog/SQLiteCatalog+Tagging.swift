import Foundation
import GRDB

extension SQLiteCatalog: TagRepository {
    public func changeTags(_ operation: TagOperation, tags: [String], on selection: AssetSelection, dryRun: Bool,
                           by actor: Actor, now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        let normalized = tags.map(Tag.normalize)
        return try write { db in
            defer { try? Self.dropSelectionTables(db) }
            let matched = try Self.materialize(selection, db, now: now, organizationId: organizationId)
            // How many of the given tags each selected asset carries decides whether it changes.
            let carried = """
                (SELECT count(*) FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                 WHERE asset_tag.assetId = selected_asset.assetId AND tag.organizationId = ?
                 AND tag.normalized IN (\(SQLFragment.placeholders(normalized.count))))
                """
            let carriedArguments: [any SQLValueConvertible] = [organizationId] + normalized
            let changesCondition: SQLFragment = switch operation {
            case .add: SQLFragment("\(carried) < ?", carriedArguments + [normalized.count])
            case .remove: SQLFragment("\(carried) > 0", carriedArguments)
            case .set: SQLFragment(
                """
                \(carried) < ? OR EXISTS (SELECT 1 FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                WHERE asset_tag.assetId = selected_asset.assetId AND tag.normalized NOT IN (\(SQLFragment.placeholders(normalized.count))))
                """, carriedArguments + [normalized.count] + normalized)
            }
            let changed = try Self.materializeChanged(db, where: changesCondition)
            let report = BulkChangeReport(selection: selection.summary, dryRun: dryRun, matched: matched, changed: changed,
                                          sample: try Self.changedSample(db))
            guard !dryRun, changed > 0 else { return report }

            let tagIDs = try tags.map { name in try Self.ensureTag(db, name: name, organizationId: organizationId) }
            let idList = SQLFragment.placeholders(tagIDs.count)
            if operation == .set {
                try db.execute(sql: """
                    DELETE FROM asset_tag WHERE assetId IN (SELECT assetId FROM temp.changed_asset) AND tagId NOT IN (\(idList))
                    """, arguments: StatementArguments(tagIDs))
            }
            if operation == .remove {
                try db.execute(sql: """
                    DELETE FROM asset_tag WHERE assetId IN (SELECT assetId FROM temp.changed_asset) AND tagId IN (\(idList))
                    """, arguments: StatementArguments(tagIDs))
            } else {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO asset_tag (assetId, tagId)
                    SELECT changed_asset.assetId, tag.id FROM temp.changed_asset, tag WHERE tag.id IN (\(idList))
                    """, arguments: StatementArguments(tagIDs))
            }
            try Self.touchChanged(db, by: actor, now: now)
            let verb = switch operation {
            case .add: "Added tags"
            case .remove: "Removed tags"
            case .set: "Set tags to"
            }
            try Self.logBulkChange(
                db, action: "tags.\(operation.rawValue)", selection: selection, report: report,
                description: "\(verb) \(tags.joined(separator: ", ")) on \(changed) of \(matched) assets selected by \(selection.summary)",
                details: ["tags": .array(tags.map(JSONValue.string))], actor: actor, now: now, organizationId: organizationId)
            return report
        }
    }

    /// The id of the tag with `name`'s normalized form, creating it with this display name.
    static func ensureTag(_ db: Database, name: String, organizationId: String) throws -> Int64 {
        let normalized = Tag.normalize(name)
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM tag WHERE organizationId = ? AND normalized = ?",
                                       arguments: [organizationId, normalized]) {
            return id
        }
        var tag = Tag(organizationId: organizationId, name: name)
        try tag.insert(db)
        return tag.id!
    }

    public func tagUsage(organizationId: String) throws(DomainError) -> [TagUsage] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT tag.name, tag.normalized, count(asset_tag.assetId) AS assetCount
                FROM tag LEFT JOIN asset_tag ON asset_tag.tagId = tag.id
                WHERE tag.organizationId = ? GROUP BY tag.id ORDER BY tag.normalized
                """, arguments: [organizationId]).map {
                TagUsage(name: $0["name"], normalized: $0["normalized"], assetCount: $0["assetCount"])
            }
        }
    }

    public func renameTag(_ old: String, to new: String, by actor: Actor, now: Date,
                          organizationId: String) throws(DomainError) -> TagRenameReport {
        let oldKey = Tag.normalize(old)
        return try write { db in
            let affected = try Tag.fetchAll(db, sql: """
                SELECT * FROM tag WHERE organizationId = ? AND (normalized = ? OR (normalized > ? AND normalized < ?))
                ORDER BY normalized
                """, arguments: [organizationId, oldKey, oldKey + "/", oldKey + "0"])
            guard !affected.isEmpty else { throw DomainError.notFound("no tag \"\(old)\"") }
            let assets = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT assetId) FROM asset_tag WHERE tagId IN (\(SQLFragment.placeholders(affected.count)))
                """, arguments: StatementArguments(affected.map { $0.id! })) ?? 0
            var renamed = 0, merged = 0
            for var tag in affected {
                // The descendant part keeps its own spelling: brand/Logo → corporate/Logo.
                let suffix = String(tag.name.dropFirst(Tag.clean(old).count))
                let targetName = Tag.clean(new + suffix)
                let targetKey = Tag.normalize(targetName)
                if targetKey != tag.normalized,
                   let existing = try Int64.fetchOne(db, sql: "SELECT id FROM tag WHERE organizationId = ? AND normalized = ?",
                                                     arguments: [organizationId, targetKey]) {
                    try db.execute(sql: "INSERT OR IGNORE INTO asset_tag (assetId, tagId) SELECT assetId, ? FROM asset_tag WHERE tagId = ?",
                                   arguments: [existing, tag.id])
                    try db.execute(sql: "DELETE FROM tag WHERE id = ?", arguments: [tag.id])
                    merged += 1
                } else {
                    tag.name = targetName
                    tag.normalized = targetKey
                    try tag.update(db)
                    renamed += 1
                }
            }
            let report = TagRenameReport(from: Tag.clean(old), to: Tag.clean(new), renamed: renamed, merged: merged, assets: assets)
            var activity = Activity(
                organizationId: organizationId, actor: actor, action: "tags.rename", entityType: "tag", entityId: oldKey,
                entityTitle: report.from, description: "Renamed tag \(report.from) to \(report.to) (\(renamed) renamed, \(merged) merged, \(assets) assets)",
                metadata: try JSONValue.encoding(report), now: now)
            try activity.insert(db)
            return report
        }
    }
}

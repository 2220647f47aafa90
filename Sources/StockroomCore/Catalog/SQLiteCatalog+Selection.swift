import Foundation
import GRDB

// Bulk commands first materialize their selection into a temporary table, then work set-wise
// on it with joins: one statement per step whatever the number of assets.
extension SQLiteCatalog {
    /// Fills `temp.selected_asset` with the selection's asset ids and returns how many there are.
    static func materialize(_ selection: AssetSelection, _ db: Database, now: Date, organizationId: String) throws -> Int {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS selected_asset (assetId INTEGER PRIMARY KEY)")
        try db.execute(sql: "DELETE FROM temp.selected_asset")
        switch selection {
        case let .query(query):
            let condition = try condition(db, query, now: now, organizationId: organizationId)
            try db.execute(sql: "INSERT INTO temp.selected_asset SELECT asset.id FROM asset WHERE \(condition.sql)",
                           arguments: condition.statementArguments)
        case let .ids(ids):
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                try db.execute(
                    sql: """
                    INSERT OR IGNORE INTO temp.selected_asset
                    SELECT id FROM asset WHERE organizationId = ? AND id IN (\(SQLFragment.placeholders(chunk.count)))
                    """,
                    arguments: [organizationId] + StatementArguments(chunk))
            }
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.selected_asset") ?? 0
    }

    /// Keeps in `temp.changed_asset` the selected assets satisfying `condition` (on `selected_asset.assetId`).
    static func materializeChanged(_ db: Database, where condition: SQLFragment) throws -> Int {
        try materializeChanged(db, where: condition.sql, arguments: condition.statementArguments)
    }

    static func materializeChanged(_ db: Database, where sql: String, arguments: StatementArguments) throws -> Int {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS changed_asset (assetId INTEGER PRIMARY KEY)")
        try db.execute(sql: "DELETE FROM temp.changed_asset")
        try db.execute(sql: "INSERT INTO temp.changed_asset SELECT assetId FROM temp.selected_asset WHERE \(sql)", arguments: arguments)
        return db.changesCount
    }

    static func changedSample(_ db: Database) throws -> [BulkChangeReport.Sample] {
        try Row.fetchAll(db, sql: """
            SELECT asset.id, asset.name FROM temp.changed_asset JOIN asset ON asset.id = changed_asset.assetId
            ORDER BY asset.id LIMIT ?
            """, arguments: [BulkChangeReport.sampleSize]).map { BulkChangeReport.Sample(id: $0["id"], name: $0["name"]) }
    }

    /// Marks the changed assets as edited now by `actor`.
    static func touchChanged(_ db: Database, by actor: Actor, now: Date) throws {
        try db.execute(sql: "UPDATE asset SET updatedAt = ?, lastEditedBy = ? WHERE id IN (SELECT assetId FROM temp.changed_asset)",
                       arguments: [now, actor.name])
    }

    static func dropSelectionTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.selected_asset")
        try db.execute(sql: "DROP TABLE IF EXISTS temp.changed_asset")
    }

    /// The activity entry recording one bulk change.
    static func logBulkChange(_ db: Database, action: String, selection: AssetSelection, report: BulkChangeReport,
                              description: String, details: [String: JSONValue], actor: Actor, now: Date,
                              organizationId: String) throws {
        var metadata: [String: JSONValue] = [
            "matched": .number(Double(report.matched)),
            "changed": .number(Double(report.changed)),
        ]
        switch selection {
        case let .query(query): metadata["query"] = .string(query.text)
        case let .ids(ids): metadata["idCount"] = .number(Double(ids.count))
        }
        metadata.merge(details) { _, new in new }
        var activity = Activity(
            organizationId: organizationId, actor: actor, action: action, entityType: "asset_selection",
            entityId: selection.summary, entityTitle: "\(report.changed) of \(report.matched) assets",
            description: description, metadata: .object(metadata), now: now)
        try activity.insert(db)
    }
}

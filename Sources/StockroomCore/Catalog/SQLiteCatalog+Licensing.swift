import Foundation
import GRDB

extension SQLiteCatalog: LicenseRepository {
    public func setLicense(_ change: LicenseChange, on selection: AssetSelection, dryRun: Bool, by actor: Actor,
                           now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        var assignments: [(column: String, value: DatabaseValue)] = [("license", change.license.databaseValue)]
        if let expiresAt = change.expiresAt { assignments.append(("expiresAt", expiresAt.databaseValue)) }
        if let holder = change.copyrightHolder { assignments.append(("copyrightHolder", holder.databaseValue)) }
        if let usage = change.usageRights { assignments.append(("usageRights", usage.databaseValue)) }
        if let details = change.details {
            assignments.append(("licenseDetails", details.databaseValue))
        }
        var fields = ["type": JSONValue.string(change.license.rawValue)]
        if let expiresAt = change.expiresAt { fields["expiresAt"] = .string(ISO8601DateFormatter().string(from: expiresAt)) }
        if let holder = change.copyrightHolder { fields["copyrightHolder"] = .string(holder) }
        if let usage = change.usageRights { fields["usageRights"] = .string(usage) }
        return try updateLicenseColumns(
            assignments, on: selection, dryRun: dryRun, action: "license.set",
            description: "Set license \(change.license.rawValue)", details: ["license": .object(fields)],
            by: actor, now: now, organizationId: organizationId)
    }

    public func clearLicense(on selection: AssetSelection, dryRun: Bool, by actor: Actor, now: Date,
                             organizationId: String) throws(DomainError) -> BulkChangeReport {
        try updateLicenseColumns(
            ["license", "licenseDetails", "expiresAt", "usageRights"].map { (column: $0, value: DatabaseValue.null) },
            on: selection, dryRun: dryRun, action: "license.clear", description: "Cleared license",
            details: [:], by: actor, now: now, organizationId: organizationId)
    }

    /// Sets `assignments` on the selected assets where any of them differs, in one transaction.
    private func updateLicenseColumns(_ assignments: [(column: String, value: DatabaseValue)], on selection: AssetSelection,
                                      dryRun: Bool, action: String, description: String, details: [String: JSONValue],
                                      by actor: Actor, now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        try write { db in
            defer { try? Self.dropSelectionTables(db) }
            let matched = try Self.materialize(selection, db, now: now, organizationId: organizationId)
            // Column names come from the fixed list above; only values are bound.
            let differs = assignments.map { "asset.\($0.column) IS NOT ?" }.joined(separator: " OR ")
            let values = StatementArguments(assignments.map(\.value))
            let changed = try Self.materializeChanged(
                db, where: "EXISTS (SELECT 1 FROM asset WHERE asset.id = selected_asset.assetId AND (\(differs)))", arguments: values)
            let report = BulkChangeReport(selection: selection.summary, dryRun: dryRun, matched: matched, changed: changed,
                                          sample: try Self.changedSample(db))
            guard !dryRun, changed > 0 else { return report }
            let sets = assignments.map { "\($0.column) = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE asset SET \(sets) WHERE id IN (SELECT assetId FROM temp.changed_asset)", arguments: values)
            try Self.touchChanged(db, by: actor, now: now)
            try Self.logBulkChange(
                db, action: action, selection: selection, report: report,
                description: "\(description) on \(changed) of \(matched) assets selected by \(selection.summary)",
                details: details, actor: actor, now: now, organizationId: organizationId)
            return report
        }
    }

    /// A share link that still serves: not revoked, not past its end date. `sl` is the alias.
    private static let activeLink = "sl.revokedAt IS NULL AND (sl.expiresAt IS NULL OR sl.expiresAt > :now)"

    public func licenseFindings(now: Date, expiringBefore: Date,
                                organizationId: String) throws(DomainError) -> (audited: Int, findings: [LicenseFinding]) {
        try read { db in
            let audited = try Int.fetchOne(db, sql: "SELECT count(*) FROM asset WHERE organizationId = ?", arguments: [organizationId]) ?? 0
            let directLink = "asset.id IN (SELECT sl.assetId FROM share_link sl WHERE sl.assetId IS NOT NULL AND \(Self.activeLink))"
            let collectionLink = """
                asset.id IN (SELECT ci.assetId FROM collection_item ci JOIN share_link sl ON sl.collectionId = ci.collectionId
                WHERE \(Self.activeLink))
                """
            let expiredLicense = "asset.expiresAt < :now"
            let checks: [(LicenseFindingClass, String)] = [
                (.expired, "\(expiredLicense) AND asset.status <> 'EXPIRED'"),
                (.expiring, "asset.expiresAt >= :now AND asset.expiresAt < :before"),
                (.unknown, "asset.license IS NULL OR asset.license = 'UNKNOWN'"),
                (.missingCopyright, "asset.copyrightHolder IS NULL OR trim(asset.copyrightHolder) = ''"),
                (.restrictedExposed, """
                    asset.license IN ('EDITORIAL_ONLY', 'INTERNAL_ONLY')
                    AND (library.visibility = 'PUBLIC' OR \(directLink) OR \(collectionLink))
                    """),
                // Withdrawn (EXPIRED) assets are refused by collection links; direct links must be revoked.
                (.expiredShared, """
                    (\(expiredLicense) OR asset.status = 'EXPIRED')
                    AND (\(directLink) OR (asset.status <> 'EXPIRED' AND \(collectionLink)))
                    """),
            ]
            let arguments: StatementArguments = ["now": now, "before": expiringBefore, "org": organizationId]
            var findings: [LicenseFinding] = []
            func day(_ date: Date) -> String { UTCDay(date).description }
            for (findingClass, condition) in checks {
                // Only restricted assets need to know whether a link reaches them.
                let sharedColumn = findingClass == .restrictedExposed ? "(\(directLink) OR \(collectionLink))" : "0"
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT asset.id, asset.name, library.slug, library.visibility, asset.license, asset.expiresAt,
                           asset.status, \(sharedColumn)
                    FROM asset JOIN library ON library.id = asset.libraryId
                    WHERE +asset.organizationId = :org AND (\(condition))
                    """, arguments: arguments)
                // Columns by position: audits read tens of thousands of rows.
                while let row = try rows.next() {
                    let license: LicenseType? = row[4]
                    let expiresAt: Date? = row[5]
                    let library: String = row[2]
                    let detail: String
                    switch findingClass {
                    case .expired: detail = "license ended \(day(expiresAt!))"
                    case .expiring:
                        let days = Int((expiresAt!.timeIntervalSince(now) / 86_400).rounded(.up))
                        detail = "license ends \(day(expiresAt!)) (in \(days) day\(days == 1 ? "" : "s"))"
                    case .unknown: detail = license == nil ? "no license recorded" : "license UNKNOWN"
                    case .missingCopyright: detail = "no copyright holder"
                    case .restrictedExposed:
                        let visibility: String = row[3]
                        let isShared: Bool = row[7]
                        var places: [String] = []
                        if visibility == LibraryVisibility.public.rawValue { places.append("in PUBLIC library \(library)") }
                        if isShared { places.append("shared by an active link") }
                        detail = "\(license!.rawValue) \(places.joined(separator: " and "))"
                    case .expiredShared:
                        detail = expiresAt.map { "license ended \(day($0)), still shared by an active link" }
                            ?? "status EXPIRED, still shared by an active link"
                    }
                    findings.append(LicenseFinding(
                        assetId: row[0], assetName: row[1], library: library, findingClass: findingClass,
                        license: license, expiresAt: expiresAt, status: row[6], detail: detail))
                }
            }
            findings.sort { ($0.assetId, $0.findingClass.ordinal) < ($1.assetId, $1.findingClass.ordinal) }
            return (audited, findings)
        }
    }

    public func withdrawExpiredAssets(now: Date, by actor: Actor,
                                      organizationId: String) throws(DomainError) -> ExpiryWithdrawal {
        try write { db in
            try db.execute(sql: """
                UPDATE asset SET status = 'EXPIRED', updatedAt = :now, lastEditedBy = :actor
                WHERE organizationId = :org AND expiresAt < :now AND status <> 'EXPIRED'
                """, arguments: ["now": now, "actor": actor.name, "org": organizationId])
            let assetsExpired = db.changesCount
            try db.execute(sql: """
                UPDATE share_link SET revokedAt = :now
                WHERE revokedAt IS NULL AND assetId IN (
                    SELECT id FROM asset WHERE organizationId = :org AND (expiresAt < :now OR status = 'EXPIRED'))
                """, arguments: ["now": now, "org": organizationId])
            let withdrawal = ExpiryWithdrawal(assetsExpired: assetsExpired, shareLinksRevoked: db.changesCount)
            guard assetsExpired > 0 || withdrawal.shareLinksRevoked > 0 else { return withdrawal }
            var activity = Activity(
                organizationId: organizationId, actor: actor, action: "license.withdraw-expired", entityType: "asset_selection",
                entityId: "expires:expired", entityTitle: "\(assetsExpired) expired assets",
                description: "Set \(assetsExpired) assets with an ended license to EXPIRED and revoked \(withdrawal.shareLinksRevoked) share links to them",
                metadata: try JSONValue.encoding(withdrawal), now: now)
            try activity.insert(db)
            return withdrawal
        }
    }
}

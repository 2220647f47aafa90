import Foundation

extension PostgresCatalog: LicenseRepository {
    public func setLicense(_ change: LicenseChange, on selection: AssetSelection, dryRun: Bool, by actor: Actor,
                           now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        var assignments: [(column: String, type: String, value: SQLValue)] = [("license", "text", .text(change.license.rawValue))]
        if let expiresAt = change.expiresAt { assignments.append(("expires_at", "timestamptz", .date(expiresAt))) }
        if let holder = change.copyrightHolder { assignments.append(("copyright_holder", "text", .text(holder))) }
        if let usage = change.usageRights { assignments.append(("usage_rights", "text", .text(usage))) }
        if let details = change.details {
            let text = String(decoding: (try? JSONEncoder().encode(details)) ?? Data("null".utf8), as: UTF8.self)
            assignments.append(("license_details", "jsonb", .text(text)))
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
            [("license", "text", .null), ("license_details", "jsonb", .null), ("expires_at", "timestamptz", .null), ("usage_rights", "text", .null)],
            on: selection, dryRun: dryRun, action: "license.clear", description: "Cleared license",
            details: [:], by: actor, now: now, organizationId: organizationId)
    }

    /// Sets `assignments` on the selected assets where any of them differs, in one transaction.
    private func updateLicenseColumns(_ assignments: [(column: String, type: String, value: SQLValue)], on selection: AssetSelection,
                                      dryRun: Bool, action: String, description: String, details: [String: JSONValue],
                                      by actor: Actor, now: Date, organizationId: String) throws(DomainError) -> BulkChangeReport {
        try write { tx throws(DomainError) in
            let matched = try Self.materialize(selection, tx, now: now, organizationId: organizationId)
            // Column names and types come from the fixed lists above; only values are bound.
            let differs = assignments.map { "asset.\($0.column) IS DISTINCT FROM ?::\($0.type)" }.joined(separator: " OR ")
            let values = assignments.map(\.value)
            let changed = try Self.materializeChanged(
                tx, where: "EXISTS (SELECT 1 FROM asset WHERE asset.id = selected_asset.asset_id AND (\(differs)))", values)
            let report = BulkChangeReport(selection: selection.summary, dryRun: dryRun, matched: matched, changed: changed,
                                          sample: try Self.changedSample(tx))
            guard !dryRun, changed > 0 else { return report }
            let sets = assignments.map { "\($0.column) = ?::\($0.type)" }.joined(separator: ", ")
            try tx.execute("UPDATE asset SET \(sets) WHERE id IN (SELECT asset_id FROM changed_asset)", values)
            try Self.touchChanged(tx, by: actor, now: now)
            try Self.logBulkChange(
                tx, action: action, selection: selection, report: report,
                description: "\(description) on \(changed) of \(matched) assets selected by \(selection.summary)",
                details: details, actor: actor, now: now, organizationId: organizationId)
            return report
        }
    }

    public func licenseFindings(now: Date, expiringBefore: Date, organizationId: String) throws(DomainError) -> (audited: Int, findings: [LicenseFinding]) {
        try read { tx throws(DomainError) in
            let audited = try tx.scalar(Int64.self, "SELECT count(*) FROM asset WHERE organization_id = ?", [organizationId]) ?? 0
            // $1 is now, $2 the end of the warning window, $3 the organization (numbered, reused).
            let activeLink = "sl.revoked_at IS NULL AND (sl.expires_at IS NULL OR sl.expires_at > $1)"
            let directLink = "asset.id IN (SELECT sl.asset_id FROM share_link sl WHERE sl.asset_id IS NOT NULL AND \(activeLink))"
            let collectionLink = """
                asset.id IN (SELECT ci.asset_id FROM collection_item ci JOIN share_link sl ON sl.collection_id = ci.collection_id
                WHERE \(activeLink))
                """
            let expiredLicense = "asset.expires_at < $1"
            let checks: [(LicenseFindingClass, String)] = [
                (.expired, "\(expiredLicense) AND asset.status <> 'EXPIRED'"),
                (.expiring, "asset.expires_at >= $1 AND asset.expires_at < $2"),
                (.unknown, "asset.license IS NULL OR asset.license = 'UNKNOWN'"),
                (.missingCopyright, "asset.copyright_holder IS NULL OR trim(asset.copyright_holder) = ''"),
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
            var findings: [LicenseFinding] = []
            func day(_ date: Date) -> String { UTCDay(date).description }
            for (findingClass, condition) in checks {
                let sharedColumn = findingClass == .restrictedExposed ? "(\(directLink) OR \(collectionLink))" : "FALSE"
                var binds = PostgresTransaction.query("", [.date(now), .date(expiringBefore), .text(organizationId)])
                binds.sql = """
                    SELECT asset.id, asset.name, library.slug, library.visibility, asset.license, asset.expires_at,
                           asset.status, \(sharedColumn)
                    FROM asset JOIN library ON library.id = asset.library_id
                    WHERE asset.organization_id = $3 AND (\(condition)) AND $2::timestamptz IS NOT NULL
                    """
                for row in try tx.pool.run(binds, on: tx.connection).rows {
                    let id: Int64, name: String, library: String, visibility: String, licenseText: String?, expiresAt: Date?, status: String, isShared: Bool
                    do {
                        (id, name, library, visibility, licenseText, expiresAt, status, isShared) =
                            try row.decode((Int64, String, String, String, String?, Date?, String, Bool).self)
                    } catch {
                        throw DomainError.storage("PostgreSQL: unreadable audit row: \(error)")
                    }
                    let license = licenseText.flatMap(LicenseType.init(rawValue:))
                    let detail: String
                    switch findingClass {
                    case .expired: detail = "license ended \(day(expiresAt!))"
                    case .expiring:
                        let days = Int((expiresAt!.timeIntervalSince(now) / 86_400).rounded(.up))
                        detail = "license ends \(day(expiresAt!)) (in \(days) day\(days == 1 ? "" : "s"))"
                    case .unknown: detail = license == nil ? "no license recorded" : "license UNKNOWN"
                    case .missingCopyright: detail = "no copyright holder"
                    case .restrictedExposed:
                        var places: [String] = []
                        if visibility == LibraryVisibility.public.rawValue { places.append("in PUBLIC library \(library)") }
                        if isShared { places.append("shared by an active link") }
                        detail = "\(license!.rawValue) \(places.joined(separator: " and "))"
                    case .expiredShared:
                        detail = expiresAt.map { "license ended \(day($0)), still shared by an active link" }
                            ?? "status EXPIRED, still shared by an active link"
                    }
                    findings.append(LicenseFinding(
                        assetId: id, assetName: name, library: library, findingClass: findingClass,
                        license: license, expiresAt: expiresAt, status: AssetStatus(rawValue: status) ?? .pending, detail: detail))
                }
            }
            findings.sort { ($0.assetId, $0.findingClass.ordinal) < ($1.assetId, $1.findingClass.ordinal) }
            return (Int(audited), findings)
        }
    }

    public func withdrawExpiredAssets(now: Date, by actor: Actor, organizationId: String) throws(DomainError) -> ExpiryWithdrawal {
        try write { tx throws(DomainError) in
            let assetsExpired = try tx.execute("""
                UPDATE asset SET status = 'EXPIRED', updated_at = ?, last_edited_by = ?
                WHERE organization_id = ? AND expires_at < ? AND status <> 'EXPIRED'
                """, [now, actor.name, organizationId, now])
            let revoked = try tx.execute("""
                UPDATE share_link SET revoked_at = ?
                WHERE revoked_at IS NULL AND asset_id IN (
                    SELECT id FROM asset WHERE organization_id = ? AND (expires_at < ? OR status = 'EXPIRED'))
                """, [now, organizationId, now])
            let withdrawal = ExpiryWithdrawal(assetsExpired: assetsExpired, shareLinksRevoked: revoked)
            guard assetsExpired > 0 || revoked > 0 else { return withdrawal }
            try tx.logActivity(Activity(
                organizationId: organizationId, actor: actor, action: "license.withdraw-expired", entityType: "asset_selection",
                entityId: "expires:expired", entityTitle: "\(assetsExpired) expired assets",
                description: "Set \(assetsExpired) assets with an ended license to EXPIRED and revoked \(revoked) share links to them",
                metadata: try Self.jsonValue(withdrawal), now: now))
            return withdrawal
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: ShareLinkRepository {
    public func createShareLink(_ link: ShareLink, by actor: Actor, target: String) throws(DomainError) -> ShareLink {
        try write { db in
            var link = link
            try link.insert(db)
            var details: [String: JSONValue] = [
                "target": .string(target), "accessLevel": .string(link.accessLevel.rawValue),
                "allowDownload": .bool(link.allowDownload), "passwordProtected": .bool(link.passwordHash != nil),
            ]
            if let email = link.recipientEmail { details["recipientEmail"] = .string(email) }
            if let expiresAt = link.expiresAt { details["expiresAt"] = .string(expiresAt.formatted(.iso8601)) }
            if let max = link.maxDownloads { details["maxDownloads"] = .number(Double(max)) }
            if link.includePending { details["includePending"] = .bool(true) }
            let recipient = link.recipientEmail.map { " with \($0)" } ?? ""
            try Self.logActivity(db, Activity(
                organizationId: link.organizationId, actor: actor, action: "share.created", entityType: "share_link",
                entityId: String(link.id!), entityTitle: target, description: "Shared \(target)\(recipient)",
                metadata: .object(details), now: link.createdAt))
            return link
        }
    }

    public func shareLinks(organizationId: String) throws(DomainError) -> [ShareLink] {
        try read { db in
            try ShareLink.filter(Column("organizationId") == organizationId).order(Column("createdAt").desc, Column("id").desc).fetchAll(db)
        }
    }

    public func shareLinks(tokenPrefix prefix: String) throws(DomainError) -> [ShareLink] {
        try read { db in
            // A range on the unique token index: "~" sorts after every base64url character.
            let upper = prefix + "~"
            return try SQLRequest<ShareLink>(literal: "SELECT * FROM share_link WHERE token >= \(prefix) AND token < \(upper)").fetchAll(db)
        }
    }

    public func shareLink(id: Int64) throws(DomainError) -> ShareLink? {
        try read { db in try ShareLink.fetchOne(db, key: id) }
    }

    public func revokeShareLink(id: Int64, at now: Date, by actor: Actor, target: String) throws(DomainError) {
        try write { db in
            try db.execute(sql: "UPDATE share_link SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [now, id])
            guard db.changesCount > 0, let link = try ShareLink.fetchOne(db, key: id) else { return }
            try Self.logActivity(db, Activity(
                organizationId: link.organizationId, actor: actor, action: "share.revoked", entityType: "share_link",
                entityId: String(id), entityTitle: target, description: "Revoked the share link of \(target)", now: now))
        }
    }

    public func recordShareView(linkId: Int64, at now: Date) throws(DomainError) {
        try write { db in
            try db.execute(sql: "UPDATE share_link SET accessCount = accessCount + 1, lastAccessedAt = ? WHERE id = ?",
                           arguments: [now, linkId])
        }
    }

    public func consumeShareDownload(linkId: Int64, at now: Date) throws(DomainError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE share_link SET downloadCount = downloadCount + 1, lastAccessedAt = ?
                WHERE id = ? AND (maxDownloads IS NULL OR downloadCount < maxDownloads)
                """, arguments: [now, linkId])
            return db.changesCount == 1
        }
    }

    public func appendShareAccess(_ event: ShareAccessEvent) throws(DomainError) {
        try write { db in
            var event = event
            try event.insert(db)
        }
    }

    public func shareAccessLog(linkId: Int64) throws(DomainError) -> [ShareAccessEvent] {
        try read { db in
            try ShareAccessEvent.filter(Column("shareLinkId") == linkId).order(Column("occurredAt"), Column("id")).fetchAll(db)
        }
    }

    public func hasShareDownloadsLeft(linkId: Int64) throws(DomainError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT maxDownloads IS NULL OR downloadCount < maxDownloads FROM share_link WHERE id = ?",
                              arguments: [linkId]) ?? false
        }
    }

    public func recordShareAccess(_ batch: ShareAccessBatch) throws(DomainError) {
        guard !batch.isEmpty else { return }
        try write { db in
            // One prepared statement for the whole batch: serving writes thousands of rows a second.
            let insert = try db.cachedStatement(sql: """
                INSERT INTO share_access (shareLinkId, event, assetId, renditionType, ipAddress, userAgent, occurredAt, byteRange)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for event in batch.events {
                try insert.execute(arguments: [event.shareLinkId, event.event.rawValue, event.assetId, event.renditionType,
                                               event.ipAddress, event.userAgent, DatabaseTimestamp.text(event.occurredAt), event.byteRange])
            }
            for (linkId, tally) in batch.linkViews {
                try db.execute(sql: """
                    UPDATE share_link SET accessCount = accessCount + ?, lastAccessedAt = max(coalesce(lastAccessedAt, ?), ?) WHERE id = ?
                    """, arguments: [tally.count, tally.last, tally.last, linkId])
            }
            for (assetId, tally) in batch.assetDownloads {
                try db.execute(sql: "UPDATE asset SET downloadCount = downloadCount + ?, lastDownloadedAt = ? WHERE id = ?",
                               arguments: [tally.count, tally.last, assetId])
            }
        }
    }

    public func librariesRequiringApproval(organizationId: String) throws(DomainError) -> Set<Int64> {
        try read { db in
            Set(try Int64.fetchAll(db, sql: """
                SELECT id FROM library WHERE organizationId = ? AND json_extract(settings, '$.requireApproval') = 1
                """, arguments: [organizationId]))
        }
    }

    public func sharedFiles(assetIds: [Int64]) throws(DomainError) -> SharedFileRows {
        guard !assetIds.isEmpty else { return SharedFileRows(versions: [:], renditions: [:]) }
        return try read { db in
            var versions: [Int64: AssetVersion] = [:]
            var renditions: [Int64: [Rendition]] = [:]
            var pending: [Int64: Set<RenditionType>] = [:]
            // In slices, so a huge collection stays under SQLite's bound-parameter limit.
            for slice in stride(from: 0, to: assetIds.count, by: 500).map({ Array(assetIds[$0..<min($0 + 500, assetIds.count)]) }) {
                for version in try AssetVersion.filter(slice.contains(Column("assetId")) && Column("isCurrent") == true).fetchAll(db) {
                    versions[version.assetId] = version
                }
                let done = try Rendition.filter(slice.contains(Column("assetId")) && Column("status") == RenditionStatus.completed.rawValue
                    && Column("blobHash") != nil).order(Column("id")).fetchAll(db)
                for rendition in done { renditions[rendition.assetId, default: []].append(rendition) }
                let waiting = try Row.fetchAll(db, sql: """
                    SELECT assetId, renditionType FROM rendition
                    WHERE assetId IN (\(slice.map { _ in "?" }.joined(separator: ","))) AND status IN ('PENDING', 'PROCESSING')
                    """, arguments: StatementArguments(slice))
                for row in waiting {
                    if let type = RenditionType(rawValue: row["renditionType"]) { pending[row["assetId"], default: []].insert(type) }
                }
            }
            return SharedFileRows(versions: versions, renditions: renditions, pending: pending)
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: ShareLinkRepository {
    public func createShareLink(_ link: ShareLink) throws(DomainError) -> ShareLink {
        try write { db in
            var link = link
            try link.insert(db)
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

    public func revokeShareLink(id: Int64, at now: Date) throws(DomainError) {
        try write { db in
            try db.execute(sql: "UPDATE share_link SET revokedAt = coalesce(revokedAt, ?) WHERE id = ?", arguments: [now, id])
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
}

import Foundation
import GRDB

extension SQLiteCatalog: APIKeyRepository {
    public func createAPIKey(_ key: APIKey, by actor: Actor) throws(DomainError) -> APIKey {
        try write { db in
            var key = key
            try key.insert(db)
            try Self.logActivity(db, StaffEditActivity.apiKeyCreated(key, by: actor))
            return key
        }
    }

    public func apiKeys(organizationId: String) throws(DomainError) -> [APIKey] {
        try read { db in try APIKey.filter(Column("organizationId") == organizationId).order(Column("createdAt"), Column("id")).fetchAll(db) }
    }

    public func apiKey(prefix: String) throws(DomainError) -> APIKey? {
        try read { db in try APIKey.filter(Column("prefix") == prefix).fetchOne(db) }
    }

    public func revokeAPIKey(prefix: String, at now: Date, by actor: Actor) throws(DomainError) -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE api_key SET revokedAt = ? WHERE prefix = ? AND revokedAt IS NULL", arguments: [now, prefix])
            guard db.changesCount == 1, let key = try APIKey.filter(Column("prefix") == prefix).fetchOne(db) else { return false }
            try Self.logActivity(db, StaffEditActivity.apiKeyRevoked(key, by: actor, now: now))
            return true
        }
    }

    public func touchAPIKey(id: Int64, at now: Date) throws(DomainError) {
        try write { db in try db.execute(sql: "UPDATE api_key SET lastUsedAt = ? WHERE id = ?", arguments: [now, id]) }
    }
}

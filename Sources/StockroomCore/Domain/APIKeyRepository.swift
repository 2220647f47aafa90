import Foundation

public protocol APIKeyRepository: Sendable {
    /// Saves the key (its hash) and logs `apikey.created`.
    func createAPIKey(_ key: APIKey, by actor: Actor) throws(DomainError) -> APIKey
    func apiKeys(organizationId: String) throws(DomainError) -> [APIKey]
    func apiKey(prefix: String) throws(DomainError) -> APIKey?
    /// Revokes the active key with this prefix and logs `apikey.revoked`; false when there is none.
    func revokeAPIKey(prefix: String, at now: Date, by actor: Actor) throws(DomainError) -> Bool
    func touchAPIKey(id: Int64, at now: Date) throws(DomainError)
}

extension APIKeyRepository {
    public func createAPIKey(_ key: APIKey) throws(DomainError) -> APIKey { try createAPIKey(key, by: .system) }
    public func revokeAPIKey(prefix: String, at now: Date) throws(DomainError) -> Bool { try revokeAPIKey(prefix: prefix, at: now, by: .system) }
}

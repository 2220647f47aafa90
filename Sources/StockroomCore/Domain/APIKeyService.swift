import Foundation

/// Admin API keys: `srk_` + 43 base64url characters (256 random bits), shown once. The catalog
/// keeps the first 12 characters in clear (to find the row and to name the key in listings) and
/// the SHA-256 of the whole key.
public struct APIKeyService: Sendable {
    let keys: any APIKeyRepository
    let organizationId: String
    static let scheme = "srk_"
    static let prefixLength = 12

    public init(keys: any APIKeyRepository, organizationId: String = Organization.defaultId) {
        self.keys = keys
        self.organizationId = organizationId
    }

    /// Creates a key; the returned secret is the only time it is ever visible.
    public func createKey(name: String, by actor: Actor = .system, now: Date = Date()) throws(DomainError) -> (key: APIKey, secret: String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidArgument("an API key needs a name") }
        let secret = Self.scheme + SecretToken.generate()
        let key = APIKey(organizationId: organizationId, name: trimmed, prefix: String(secret.prefix(Self.prefixLength)),
                         keyHash: SecretToken.sha256Hex(secret), now: now)
        return (try keys.createAPIKey(key, by: actor), secret)
    }

    public func allKeys() throws(DomainError) -> [APIKey] {
        try keys.apiKeys(organizationId: organizationId)
    }

    public func revoke(prefix: String, by actor: Actor = .system, now: Date = Date()) throws(DomainError) {
        guard try keys.revokeAPIKey(prefix: String(prefix.prefix(Self.prefixLength)), at: now, by: actor) else {
            throw .notFound("no active API key with prefix \(prefix) (see `stockroom apikey list`)")
        }
    }

    /// The active key matching `secret`, or `nil`.
    public func authenticate(_ secret: String, now: Date = Date()) -> APIKey? {
        guard secret.hasPrefix(Self.scheme), secret.utf8.count == Self.scheme.utf8.count + 43,
              SecretToken.isWellFormed(String(secret.dropFirst(Self.scheme.count))),
              let key = try? keys.apiKey(prefix: String(secret.prefix(Self.prefixLength))),
              key.revokedAt == nil,
              SecretToken.constantTimeEquals(key.keyHash, SecretToken.sha256Hex(secret))
        else { return nil }
        try? keys.touchAPIKey(id: key.id!, at: now)
        return key
    }
}

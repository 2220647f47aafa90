import Foundation

/// An admin API credential. The secret is shown once at creation; only its SHA-256 is stored
/// (the secret has 256 bits of entropy, so a slow hash adds nothing).
public struct APIKey: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var name: String
    /// The first characters of the key, kept in clear to find the row and to show in listings.
    public var prefix: String
    public var keyHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: Int64? = nil, organizationId: String = Organization.defaultId, name: String, prefix: String,
                keyHash: String, now: Date = Date()) {
        self.id = id
        self.organizationId = organizationId
        self.name = name
        self.prefix = prefix
        self.keyHash = keyHash
        self.createdAt = now
    }
}

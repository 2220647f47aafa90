import Foundation

/// Stockroom is single-tenant on one machine, but every top-level row carries an organization
/// so that a hosted, multi-tenant deployment needs no data migration.
public enum Organization {
    public static let defaultId = "default"
}

/// Who did something: a person at the CLI, an API key, a share-link client, or the system.
public struct Actor: Sendable, Equatable, Codable {
    public enum Kind: String, Codable, Sendable { case user, apiKey = "api_key", client, system }
    public var kind: Kind
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    public static let system = Actor(kind: .system, name: "system")

    /// The operator at the terminal, named after the login user.
    public static var cli: Actor {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "operator"
        return Actor(kind: .user, name: user)
    }

    /// An actor known only by the name a row recorded (`createdBy`, `addedBy`): the system, or a person.
    public init(recordedName name: String) {
        self = name == Actor.system.name ? .system : Actor(kind: .user, name: name)
    }
}


import Foundation

/// An entry of the activity log: who did what to which entity, and when.
public struct Activity: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var actorType: String
    public var actorName: String
    public var action: String
    public var entityType: String
    public var entityId: String
    public var entityTitle: String
    public var description: String?
    public var metadata: JSONValue?
    public var occurredAt: Date

    public init(id: Int64? = nil, organizationId: String = Organization.defaultId, actor: Actor, action: String,
                entityType: String, entityId: String, entityTitle: String, description: String? = nil,
                metadata: JSONValue? = nil, now: Date = Date()) {
        self.id = id
        self.organizationId = organizationId
        self.actorType = actor.kind.rawValue
        self.actorName = actor.name
        self.action = action
        self.entityType = entityType
        self.entityId = entityId
        self.entityTitle = entityTitle
        self.description = description
        self.metadata = metadata
        self.occurredAt = now
    }
}

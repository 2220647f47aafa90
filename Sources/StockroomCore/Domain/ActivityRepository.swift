import Foundation

/// Reading the activity log (every entry is written by the change it records).
public protocol ActivityRepository: Sendable {
    /// Entries matching the filter, newest first, and how many match in all.
    func activity(matching filter: ActivityFilter) throws(DomainError) -> (entries: [Activity], total: Int)
}

/// Which activity entries to read; every given condition must hold.
public struct ActivityFilter: Sendable, Equatable {
    /// One entity: its type and id as logged (`asset`/`12`, `share_link`/`3`, `collection`/`5`).
    public struct Entity: Sendable, Equatable {
        public var type: String
        public var id: String
        /// Also the entries made through this share link (client comments and decisions),
        /// whose metadata names it.
        public var throughShareLinkId: Int64?
        /// Also entries whose title is this (a deleted collection's slug).
        public var title: String?

        public init(type: String, id: String, throughShareLinkId: Int64? = nil, title: String? = nil) {
            self.type = type
            self.id = id
            self.throughShareLinkId = throughShareLinkId
            self.title = title
        }
    }

    public var organizationId: String
    public var since: Date?
    /// The actor's name, compared case-insensitively.
    public var actorName: String?
    public var entity: Entity?
    public var limit: Int
    public var offset: Int

    public init(organizationId: String = Organization.defaultId, since: Date? = nil, actorName: String? = nil,
                entity: Entity? = nil, limit: Int = 100, offset: Int = 0) {
        self.organizationId = organizationId
        self.since = since
        self.actorName = actorName
        self.entity = entity
        self.limit = limit
        self.offset = offset
    }
}

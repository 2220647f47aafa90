import Foundation

/// Reads the activity log for `stockroom activity` and `GET /api/v1/activity`: since a time
/// (the query language's date grammar: `7d`, `12h`, `2026-01-01`, an ISO-8601 instant), by one
/// actor, about one entity (`asset:12`, `collection:SLUG`, `share:TOKEN`, `library:SLUG`, or
/// `TYPE:ID` as logged).
public struct ActivityService: Sendable {
    let activity: any ActivityRepository
    let collections: any CollectionRepository
    let libraries: any LibraryRepository
    let shares: ShareService
    let organizationId: String

    public static let maxLimit = 1_000

    public init(activity: any ActivityRepository, collections: any CollectionRepository, libraries: any LibraryRepository,
                shares: ShareService, organizationId: String = Organization.defaultId) {
        self.activity = activity
        self.collections = collections
        self.libraries = libraries
        self.shares = shares
        self.organizationId = organizationId
    }

    /// One page of entries, newest first.
    public func entries(since: String? = nil, actor: String? = nil, entity: String? = nil, limit: Int = 100, offset: Int = 0,
                        now: Date = Date()) throws(DomainError) -> ActivityPage {
        guard (1...Self.maxLimit).contains(limit) else { throw .invalidArgument("limit must be a whole number from 1 to \(Self.maxLimit)") }
        guard offset >= 0 else { throw .invalidArgument("offset must be 0 or more") }
        var filter = ActivityFilter(organizationId: organizationId, limit: limit, offset: offset)
        filter.since = try since.map { text throws(DomainError) in try Self.since(text, now: now) }
        if let actor {
            let trimmed = actor.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw .invalidArgument("actor: give a name") }
            filter.actorName = trimmed
        }
        filter.entity = try entity.map { text throws(DomainError) in try self.entity(text) }
        let found = try activity.activity(matching: filter)
        return ActivityPage(items: found.entries, limit: limit, offset: offset, total: found.total)
    }

    /// The start of the window `--since` names, in the one date grammar of queries, licences and
    /// shares (`QueryDate`): `7d` is seven days before `now`, a bare day its first instant (UTC).
    public static func since(_ text: String, now: Date = Date()) throws(DomainError) -> Date {
        guard let date = QueryDate.parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidArgument("since: cannot read \"\(text)\": use a duration like 7d, 12h, 2w or a date like 2026-01-31")
        }
        return date.interval(now: now, direction: -1).start
    }

    /// `asset:12`, `collection:SLUG`, `share:TOKEN`, `library:SLUG`, or `TYPE:ID` as logged.
    func entity(_ text: String) throws(DomainError) -> ActivityFilter.Entity {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidArgument("entity: use asset:ID, collection:SLUG, share:TOKEN or library:SLUG")
        }
        let (kind, value) = (parts[0].lowercased(), parts[1])
        switch kind {
        case "asset":
            guard let id = Int64(value), id > 0 else { throw .invalidArgument("entity: asset:ID takes a numeric asset id") }
            return .init(type: "asset", id: String(id))
        case "collection":
            if let collection = try collections.collection(slug: value, organizationId: organizationId) {
                return .init(type: "collection", id: String(collection.id!), title: collection.slug)
            }
            // A deleted collection is still found by the slug it was logged with.
            return .init(type: "collection", id: "", title: value)
        case "share", "share_link":
            let link = try shares.shareLink(token: value)
            return .init(type: "share_link", id: String(link.id!), throughShareLinkId: link.id)
        case "library":
            guard let library = try libraries.library(slug: value, organizationId: organizationId) else {
                throw .notFound("entity: unknown library \"\(value)\"")
            }
            return .init(type: "library", id: String(library.id!))
        default:
            return .init(type: kind, id: value)
        }
    }
}

/// One page of the activity log.
public struct ActivityPage: Encodable, Sendable, Equatable {
    public var items: [Activity]
    public var limit: Int
    public var offset: Int
    public var total: Int
}

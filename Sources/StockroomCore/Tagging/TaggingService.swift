import Foundation

/// Bulk tagging by query, tag listing and renaming. Tags are compared by their normalized form
/// (trimmed, lower-cased); the first spelling seen is kept for display.
public struct TaggingService: Sendable {
    let tags: any TagRepository
    let organizationId: String
    let clock: @Sendable () -> Date

    public init(tags: any TagRepository, organizationId: String = Organization.defaultId,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.tags = tags
        self.organizationId = organizationId
        self.clock = clock
    }

    public func change(_ operation: TagOperation, tags names: [String], on selection: AssetSelection,
                       dryRun: Bool = false, by actor: Actor) throws(DomainError) -> BulkChangeReport {
        let cleaned = try Self.distinctTags(names)
        return try tags.changeTags(operation, tags: cleaned, on: selection, dryRun: dryRun, by: actor,
                                   now: clock(), organizationId: organizationId)
    }

    public func usage() throws(DomainError) -> [TagUsage] {
        try tags.tagUsage(organizationId: organizationId)
    }

    public func rename(_ old: String, to new: String, by actor: Actor) throws(DomainError) -> TagRenameReport {
        let from = Tag.clean(old), to = Tag.clean(new)
        guard !from.isEmpty, !to.isEmpty else { throw .invalidArgument("both the old and the new tag name are needed") }
        let fromKey = Tag.normalize(from), toKey = Tag.normalize(to)
        if toKey.hasPrefix(fromKey + "/") {
            throw .invalidArgument("cannot rename \"\(from)\" into its own subtree (\"\(to)\")")
        }
        return try tags.renameTag(from, to: to, by: actor, now: clock(), organizationId: organizationId)
    }

    /// Cleans names and drops repeats by normalized form; refuses empty ones.
    static func distinctTags(_ names: [String]) throws(DomainError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for name in names {
            let clean = Tag.clean(name)
            guard !clean.isEmpty else { throw .invalidArgument("empty tag name \"\(name)\"") }
            if seen.insert(clean.lowercased()).inserted { result.append(clean) }
        }
        guard !result.isEmpty else { throw .invalidArgument("name at least one tag") }
        return result
    }
}

import Foundation

/// A node of a library's folder tree. `path` is the slash-joined chain of slugs from the root
/// ("/campaigns/summer-2024/photos") and is unique within a library.
public struct Folder: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var libraryId: Int64
    public var parentId: Int64?
    public var name: String
    public var slug: String
    public var description: String?
    public var color: String?
    public var path: String
    public var depth: Int
    /// Metadata applied to new uploads in this folder (tags, license, copyright).
    public var defaultMetadata: FolderDefaults
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, libraryId: Int64, parentId: Int64?, name: String, slug: String,
        path: String, depth: Int, color: String? = nil, defaultMetadata: FolderDefaults = FolderDefaults(),
        createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.libraryId = libraryId
        self.parentId = parentId
        self.name = name
        self.slug = slug
        self.path = path
        self.depth = depth
        self.color = color
        self.defaultMetadata = defaultMetadata
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
    }
}

/// Defaults a folder hands to assets filed into it.
public struct FolderDefaults: Codable, Sendable, Equatable {
    public var tags: [String]
    public var license: LicenseType?
    public var copyrightHolder: String?
    public var usageRights: String?

    public init(tags: [String] = [], license: LicenseType? = nil, copyrightHolder: String? = nil, usageRights: String? = nil) {
        self.tags = tags
        self.license = license
        self.copyrightHolder = copyrightHolder
        self.usageRights = usageRights
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        license = try c.decodeIfPresent(LicenseType.self, forKey: .license)
        copyrightHolder = try c.decodeIfPresent(String.self, forKey: .copyrightHolder)
        usageRights = try c.decodeIfPresent(String.self, forKey: .usageRights)
    }
}

/// A folder path as users type it: absolute, slash-separated, each segment a slug.
public struct FolderPath: Hashable, Sendable, CustomStringConvertible {
    public let segments: [String]

    public static let root = FolderPath(segments: [])

    public init(segments: [String]) {
        self.segments = segments
    }

    /// Parses "/a/b/c" (a missing leading slash is accepted). Segments are slugified, so
    /// "/Campaigns/Summer 2024" becomes "/campaigns/summer-2024". Rejects "." and "..".
    public init(parsing text: String) throws(DomainError) {
        let raw = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var segments: [String] = []
        for part in raw {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed == "." || trimmed == ".." {
                throw .invalidArgument("folder path \"\(text)\" may not contain \".\" or \"..\"")
            }
            let slug = Slug.make(from: trimmed)
            guard !slug.isEmpty else { throw .invalidArgument("folder path \"\(text)\" has an empty segment") }
            segments.append(slug)
        }
        self.segments = segments
    }

    public var description: String { "/" + segments.joined(separator: "/") }
    public var isRoot: Bool { segments.isEmpty }
    public var depth: Int { max(segments.count - 1, 0) }
    public var parent: FolderPath? { isRoot ? nil : FolderPath(segments: Array(segments.dropLast())) }
    public var lastSegment: String? { segments.last }

    public func appending(_ segment: String) -> FolderPath { FolderPath(segments: segments + [segment]) }

    /// Every ancestor from the top, ending with `self`: /a, /a/b, /a/b/c.
    public var prefixes: [FolderPath] {
        (1...max(segments.count, 1)).compactMap { n in
            segments.isEmpty ? nil : FolderPath(segments: Array(segments.prefix(n)))
        }
    }

    public func isAncestor(of other: FolderPath) -> Bool {
        other.segments.count > segments.count && Array(other.segments.prefix(segments.count)) == segments
    }
}

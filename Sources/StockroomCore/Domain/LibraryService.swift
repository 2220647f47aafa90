import Foundation

/// Creating and finding libraries and their folder trees.
public struct LibraryService: Sendable {
    let libraries: any LibraryRepository
    let folders: any FolderRepository
    let organizationId: String

    public init(libraries: any LibraryRepository, folders: any FolderRepository, organizationId: String = Organization.defaultId) {
        self.libraries = libraries
        self.folders = folders
        self.organizationId = organizationId
    }

    public func createLibrary(name: String, slug: String? = nil, type: LibraryType = .general,
                              visibility: LibraryVisibility = .internal, description: String? = nil,
                              pipeline: String? = nil, by actor: Actor) throws(DomainError) -> Library {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidArgument("a library needs a name") }
        let slug = slug ?? Slug.make(from: trimmed)
        guard Slug.isValid(slug) else {
            throw .invalidArgument("\"\(slug)\" is not a valid slug (lowercase letters, digits, '-', '.', '_')")
        }
        var library = Library(organizationId: organizationId, name: trimmed, slug: slug, description: description,
                              libraryType: type, visibility: visibility, pipeline: pipeline, createdBy: actor.name)
        library = try libraries.createLibrary(library)
        return library
    }

    /// Changes a library's ingest and approval rules (`stockroom library set`): only the given
    /// fields change. Allowed types are MIME types or `type/*` patterns (empty: anything the
    /// media engine accepts); a maximum file size above 0, or none.
    public func updateSettings(slug: String, _ change: LibrarySettingsChange, by actor: Actor, now: Date = Date()) throws(DomainError) -> Library {
        guard !change.isEmpty else {
            throw .invalidArgument("nothing to change: give --require-approval/--no-require-approval, --allowed-types or --max-file-size")
        }
        let library = try library(slug: slug)
        var settings = library.settings
        if let require = change.requireApproval { settings.requireApproval = require }
        if let types = change.allowedFileTypes {
            settings.allowedFileTypes = try types.map { type throws(DomainError) in try Self.mimePattern(type) }
        }
        switch change.maxFileSize {
        case .none: break
        case let .some(limit?):
            guard limit > 0 else { throw .invalidArgument("max file size must be above 0 bytes (or none)") }
            settings.maxFileSize = limit
        case .some(nil): settings.maxFileSize = nil
        }
        if let tagging = change.autoTagging { settings.autoTagging = tagging }
        guard settings != library.settings else { return library }
        return try libraries.updateLibrarySettings(id: library.id!, settings: settings, by: actor, now: now)
    }

    /// `image/jpeg`, `image/*` or `*/*`, lower-cased; anything else is refused.
    static func mimePattern(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let token: (Substring) -> Bool = { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
        }
        guard parts.count == 2, parts[0] == "*" ? parts[1] == "*" : token(parts[0]), parts[1] == "*" || token(parts[1]) else {
            throw .invalidArgument("\"\(text)\" is not a MIME type or pattern (e.g. image/jpeg, image/*, video/*)")
        }
        return trimmed
    }

    public func allLibraries() throws(DomainError) -> [Library] {
        try libraries.libraries(organizationId: organizationId)
    }

    /// The library with this slug, or a `notFound` error naming the known ones.
    public func library(slug: String) throws(DomainError) -> Library {
        if let library = try libraries.library(slug: slug, organizationId: organizationId) { return library }
        let known = try allLibraries().map(\.slug)
        let hint = known.isEmpty ? "there are no libraries yet; create one with `stockroom library create NAME`"
            : "known libraries: \(known.joined(separator: ", "))"
        throw .notFound("unknown library \"\(slug)\" (\(hint))")
    }

    public func createFolder(librarySlug: String, path: String, by actor: Actor) throws(DomainError) -> Folder {
        let library = try library(slug: librarySlug)
        return try folders.ensureFolder(libraryId: library.id!, path: try FolderPath(parsing: path), createdBy: actor.name)
    }

    public func moveFolder(librarySlug: String, from source: String, to destination: String, by actor: Actor) throws(DomainError) -> Folder {
        let library = try library(slug: librarySlug)
        return try folders.moveFolder(libraryId: library.id!, from: try FolderPath(parsing: source),
                                      to: try FolderPath(parsing: destination), by: actor.name)
    }

    /// The folder tree of a library, nested.
    public func folderTree(librarySlug: String) throws(DomainError) -> [FolderNode] {
        let library = try library(slug: librarySlug)
        return FolderNode.build(from: try folders.folders(libraryId: library.id!))
    }
}

/// What `stockroom library set` changes; `nil` leaves a setting as it is.
public struct LibrarySettingsChange: Sendable, Equatable {
    public var requireApproval: Bool?
    /// MIME types or patterns; an empty list allows every type.
    public var allowedFileTypes: [String]?
    /// `.some(nil)` removes the limit.
    public var maxFileSize: Int64??
    public var autoTagging: Bool?

    public init(requireApproval: Bool? = nil, allowedFileTypes: [String]? = nil, maxFileSize: Int64?? = nil, autoTagging: Bool? = nil) {
        self.requireApproval = requireApproval
        self.allowedFileTypes = allowedFileTypes
        self.maxFileSize = maxFileSize
        self.autoTagging = autoTagging
    }

    public var isEmpty: Bool { requireApproval == nil && allowedFileTypes == nil && maxFileSize == nil && autoTagging == nil }
}

/// A folder with its children, for tree output.
public struct FolderNode: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var slug: String
    public var path: String
    public var depth: Int
    public var color: String?
    public var children: [FolderNode]

    static func build(from folders: [Folder]) -> [FolderNode] {
        let byParent = Dictionary(grouping: folders, by: \.parentId)
        func nodes(under parent: Int64?) -> [FolderNode] {
            (byParent[parent] ?? []).sorted { $0.path < $1.path }.map { folder in
                FolderNode(id: folder.id!, name: folder.name, slug: folder.slug, path: folder.path, depth: folder.depth,
                           color: folder.color, children: nodes(under: folder.id))
            }
        }
        return nodes(under: nil)
    }
}

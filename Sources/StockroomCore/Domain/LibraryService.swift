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

import Foundation

// The catalog as the domain sees it. `SQLiteCatalog` implements these over GRDB; a PostgreSQL
// catalog implements the same protocols, and nothing above them changes.

public protocol LibraryRepository: Sendable {
    func createLibrary(_ library: Library) throws(DomainError) -> Library
    func libraries(organizationId: String) throws(DomainError) -> [Library]
    func library(slug: String, organizationId: String) throws(DomainError) -> Library?
    func library(id: Int64) throws(DomainError) -> Library?
    /// Replaces the library's settings and logs `library.updated` with what changed.
    func updateLibrarySettings(id: Int64, settings: LibrarySettings, by actor: Actor, now: Date) throws(DomainError) -> Library
}

public protocol FolderRepository: Sendable {
    /// Returns the folder at `path`, creating it and any missing ancestors in one transaction.
    func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws(DomainError) -> Folder
    func folder(libraryId: Int64, path: FolderPath) throws(DomainError) -> Folder?
    func folder(id: Int64) throws(DomainError) -> Folder?
    /// Every folder of the library, ordered by path (a depth-first listing of the tree).
    func folders(libraryId: Int64) throws(DomainError) -> [Folder]
    /// Moves the folder at `source` (with its subtree) so that it sits at `destination`,
    /// rewriting the paths and depths of the whole subtree in one transaction.
    func moveFolder(libraryId: Int64, from source: FolderPath, to destination: FolderPath, by actor: String) throws(DomainError) -> Folder
}

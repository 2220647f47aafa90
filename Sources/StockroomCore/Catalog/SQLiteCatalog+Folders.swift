import Foundation
import GRDB

extension SQLiteCatalog: FolderRepository {
    public func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws(DomainError) -> Folder {
        guard !path.isRoot else { throw .invalidArgument("the root \"/\" is not a folder; name one like /campaigns") }
        return try write { db in
            let existed = try Folder.filter(Folder.Columns.libraryId == libraryId && Folder.Columns.path == path.description).fetchCount(db) > 0
            let folder = try Self.ensureFolder(db, libraryId: libraryId, path: path, createdBy: createdBy)
            if !existed {
                try Self.logActivity(db, StaffEditActivity.folderCreated(folder, by: createdBy))
            }
            return folder
        }
    }

    /// Creates missing ancestors top-down inside the caller's transaction.
    static func ensureFolder(_ db: Database, libraryId: Int64, path: FolderPath, createdBy: String) throws -> Folder {
        var parent: Folder?
        for prefix in path.prefixes {
            if let existing = try Folder.filter(Folder.Columns.libraryId == libraryId && Folder.Columns.path == prefix.description).fetchOne(db) {
                parent = existing
                continue
            }
            var folder = Folder(
                libraryId: libraryId, parentId: parent?.id, name: prefix.lastSegment!, slug: prefix.lastSegment!,
                path: prefix.description, depth: prefix.depth, createdBy: createdBy
            )
            try folder.insert(db)
            parent = folder
        }
        return parent!
    }

    public func folder(libraryId: Int64, path: FolderPath) throws(DomainError) -> Folder? {
        try read { db in
            try Folder.filter(Folder.Columns.libraryId == libraryId && Folder.Columns.path == path.description).fetchOne(db)
        }
    }

    public func folder(id: Int64) throws(DomainError) -> Folder? {
        try read { db in try Folder.fetchOne(db, key: id) }
    }

    public func folders(libraryId: Int64) throws(DomainError) -> [Folder] {
        try read { db in
            try Folder.filter(Folder.Columns.libraryId == libraryId).order(Folder.Columns.path).fetchAll(db)
        }
    }

    public func moveFolder(libraryId: Int64, from source: FolderPath, to destination: FolderPath, by actor: String) throws(DomainError) -> Folder {
        guard !source.isRoot, !destination.isRoot else { throw .invalidArgument("the root \"/\" cannot be moved or replaced") }
        guard source != destination else { throw .invalidArgument("\(source) is already at \(destination)") }
        guard !source.isAncestor(of: destination) else {
            throw .invalidArgument("cannot move \(source) into its own subtree (\(destination))")
        }
        return try write { db in
            guard var moving = try Folder.filter(Folder.Columns.libraryId == libraryId && Folder.Columns.path == source.description).fetchOne(db) else {
                throw DomainError.notFound("no folder \(source) in this library")
            }
            if try Folder.filter(Folder.Columns.libraryId == libraryId && Folder.Columns.path == destination.description).fetchCount(db) > 0 {
                throw DomainError.alreadyExists("a folder \(destination) already exists")
            }
            let newParent = try destination.parent.flatMap { parentPath -> Folder? in
                parentPath.isRoot ? nil : try Self.ensureFolder(db, libraryId: libraryId, path: parentPath, createdBy: actor)
            }
            let now = Date()
            let oldPrefix = source.description
            let newPrefix = destination.description
            let depthDelta = destination.depth - source.depth
            // Rewrite the subtree's paths: replace the leading old prefix of every descendant.
            try db.execute(
                sql: """
                UPDATE folder
                SET path = ? || substr(path, ?), depth = depth + ?, updatedAt = ?
                WHERE libraryId = ? AND substr(path, 1, ?) = ?
                """,
                arguments: [newPrefix, oldPrefix.count + 1, depthDelta, now, libraryId, oldPrefix.count + 1, oldPrefix + "/"]
            )
            moving.path = newPrefix
            moving.depth = destination.depth
            moving.parentId = newParent?.id
            moving.slug = destination.lastSegment!
            if Slug.make(from: moving.name) != moving.slug { moving.name = destination.lastSegment! }
            moving.updatedAt = now
            try moving.update(db)
            try Self.logActivity(db, StaffEditActivity.folderMoved(moving, from: oldPrefix, by: actor, now: now))
            return moving
        }
    }
}

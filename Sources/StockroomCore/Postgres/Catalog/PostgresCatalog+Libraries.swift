import Foundation

extension PostgresCatalog: LibraryRepository {
    public func createLibrary(_ library: Library) throws(DomainError) -> Library {
        do {
            return try write { tx throws(DomainError) in
                let library = try tx.insert(library, into: "library")
                try tx.logActivity(Activity(
                    organizationId: library.organizationId, actor: Actor(recordedName: library.createdBy), action: "library.created",
                    entityType: "library", entityId: String(library.id!), entityTitle: library.slug,
                    description: "Created library \"\(library.name)\" (\(library.slug))", now: library.createdAt))
                return library
            }
        } catch .alreadyExists {
            throw .alreadyExists("a library with slug \"\(library.slug)\" already exists")
        }
    }

    public func libraries(organizationId: String) throws(DomainError) -> [Library] {
        try read { tx throws(DomainError) in
            try tx.records(Library.self, from: "library", where: "t.organization_id = ?", [organizationId], orderBy: "t.name")
        }
    }

    public func library(slug: String, organizationId: String) throws(DomainError) -> Library? {
        try read { tx throws(DomainError) in
            try tx.record(Library.self, from: "library", where: "t.organization_id = ? AND t.slug = ?", [organizationId, slug])
        }
    }

    public func library(id: Int64) throws(DomainError) -> Library? {
        try read { tx throws(DomainError) in try tx.record(Library.self, from: "library", id: id) }
    }
}

extension PostgresCatalog: FolderRepository {
    public func ensureFolder(libraryId: Int64, path: FolderPath, createdBy: String) throws(DomainError) -> Folder {
        guard !path.isRoot else { throw .invalidArgument("the root \"/\" is not a folder; name one like /campaigns") }
        return try write { tx throws(DomainError) in
            let existed = try tx.scalar(Int64.self, "SELECT count(*) FROM folder WHERE library_id = ? AND path = ?", [libraryId, path.description]) ?? 0 > 0
            let folder = try Self.ensureFolder(tx, libraryId: libraryId, path: path, createdBy: createdBy)
            if !existed {
                try tx.logActivity(StaffEditActivity.folderCreated(folder, by: createdBy))
            }
            return folder
        }
    }

    /// Creates missing ancestors top-down inside the caller's transaction. Two hosts creating
    /// the same folder at once meet at the unique (library, path) key: the loser reads the winner's.
    static func ensureFolder(_ tx: PostgresTransaction, libraryId: Int64, path: FolderPath, createdBy: String) throws(DomainError) -> Folder {
        var parent: Folder?
        for prefix in path.prefixes {
            if let existing = try tx.record(Folder.self, from: "folder", where: "t.library_id = ? AND t.path = ?", [libraryId, prefix.description]) {
                parent = existing
                continue
            }
            let folder = Folder(
                libraryId: libraryId, parentId: parent?.id, name: prefix.lastSegment!, slug: prefix.lastSegment!,
                path: prefix.description, depth: prefix.depth, createdBy: createdBy
            )
            let json = try PostgresRecordCoding.json(folder)
            let list = tx.columns["folder", default: []].filter { $0 != "id" }.joined(separator: ", ")
            let inserted = try tx.records(Folder.self, """
                INSERT INTO folder AS t (\(list)) SELECT \(list) FROM json_populate_record(NULL::folder, ?::json)
                ON CONFLICT (library_id, path) DO NOTHING RETURNING row_to_json(t)::text
                """, [json])
            if let inserted = inserted.first {
                parent = inserted
            } else {
                parent = try tx.record(Folder.self, from: "folder", where: "t.library_id = ? AND t.path = ?", [libraryId, prefix.description])
            }
        }
        return parent!
    }

    public func folder(libraryId: Int64, path: FolderPath) throws(DomainError) -> Folder? {
        try read { tx throws(DomainError) in
            try tx.record(Folder.self, from: "folder", where: "t.library_id = ? AND t.path = ?", [libraryId, path.description])
        }
    }

    public func folder(id: Int64) throws(DomainError) -> Folder? {
        try read { tx throws(DomainError) in try tx.record(Folder.self, from: "folder", id: id) }
    }

    public func folders(libraryId: Int64) throws(DomainError) -> [Folder] {
        try read { tx throws(DomainError) in
            try tx.records(Folder.self, from: "folder", where: "t.library_id = ?", [libraryId], orderBy: "t.path")
        }
    }

    public func moveFolder(libraryId: Int64, from source: FolderPath, to destination: FolderPath, by actor: String) throws(DomainError) -> Folder {
        guard !source.isRoot, !destination.isRoot else { throw .invalidArgument("the root \"/\" cannot be moved or replaced") }
        guard source != destination else { throw .invalidArgument("\(source) is already at \(destination)") }
        guard !source.isAncestor(of: destination) else {
            throw .invalidArgument("cannot move \(source) into its own subtree (\(destination))")
        }
        return try write { tx throws(DomainError) in
            guard var moving = try tx.record(Folder.self, from: "folder", where: "t.library_id = ? AND t.path = ?", [libraryId, source.description]) else {
                throw DomainError.notFound("no folder \(source) in this library")
            }
            if try tx.scalar(Int64.self, "SELECT count(*) FROM folder WHERE library_id = ? AND path = ?", [libraryId, destination.description]) ?? 0 > 0 {
                throw DomainError.alreadyExists("a folder \(destination) already exists")
            }
            var newParent: Folder?
            if let parentPath = destination.parent, !parentPath.isRoot {
                newParent = try Self.ensureFolder(tx, libraryId: libraryId, path: parentPath, createdBy: actor)
            }
            let now = Date()
            let oldPrefix = source.description
            let newPrefix = destination.description
            try tx.execute("""
                UPDATE folder SET path = ? || substr(path, ?::int), depth = depth + ?, updated_at = ?
                WHERE library_id = ? AND substr(path, 1, ?::int) = ?
                """, [newPrefix, oldPrefix.count + 1, destination.depth - source.depth, now, libraryId, oldPrefix.count + 1, oldPrefix + "/"])
            moving.path = newPrefix
            moving.depth = destination.depth
            moving.parentId = newParent?.id
            moving.slug = destination.lastSegment!
            if Slug.make(from: moving.name) != moving.slug { moving.name = destination.lastSegment! }
            moving.updatedAt = now
            try tx.update(moving, in: "folder", id: moving.id)
            try tx.logActivity(StaffEditActivity.folderMoved(moving, from: oldPrefix, by: actor, now: now))
            return moving
        }
    }
}

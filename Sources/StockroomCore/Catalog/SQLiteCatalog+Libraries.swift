import Foundation
import GRDB

extension SQLiteCatalog: LibraryRepository {
    public func createLibrary(_ library: Library) throws(DomainError) -> Library {
        do {
            return try writer.write { db in
                var library = library
                try library.insert(db)
                try Self.logActivity(db, Activity(
                    organizationId: library.organizationId, actor: Actor(recordedName: library.createdBy), action: "library.created",
                    entityType: "library", entityId: String(library.id!), entityTitle: library.slug,
                    description: "Created library \"\(library.name)\" (\(library.slug))", now: library.createdAt))
                return library
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw .alreadyExists("a library with slug \"\(library.slug)\" already exists")
        } catch {
            throw StoreErrorMapping.map(error)
        }
    }

    public func libraries(organizationId: String) throws(DomainError) -> [Library] {
        try read { db in
            try Library.filter(Library.Columns.organizationId == organizationId).order(Library.Columns.name).fetchAll(db)
        }
    }

    public func library(slug: String, organizationId: String) throws(DomainError) -> Library? {
        try read { db in
            try Library.filter(Library.Columns.organizationId == organizationId && Library.Columns.slug == slug).fetchOne(db)
        }
    }

    public func library(id: Int64) throws(DomainError) -> Library? {
        try read { db in try Library.fetchOne(db, key: id) }
    }

    public func updateLibrarySettings(id: Int64, settings: LibrarySettings, by actor: Actor, now: Date) throws(DomainError) -> Library {
        try write { db in
            guard var library = try Library.fetchOne(db, key: id) else { throw DomainError.notFound("no library with id \(id)") }
            let before = library.settings
            library.settings = settings
            library.updatedAt = now
            try library.update(db)
            try Self.logActivity(db, library.settingsChangedActivity(from: before, by: actor, now: now))
            return library
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: LibraryRepository {
    public func createLibrary(_ library: Library) throws(DomainError) -> Library {
        do {
            return try writer.write { db in
                var library = library
                try library.insert(db)
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
}

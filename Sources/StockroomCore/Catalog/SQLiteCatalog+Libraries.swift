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
            var changes: [String: JSONValue] = [:]
            var words: [String] = []
            if before.requireApproval != settings.requireApproval {
                changes["requireApproval"] = .bool(settings.requireApproval)
                words.append(settings.requireApproval ? "requires approval" : "no longer requires approval")
            }
            if before.allowedFileTypes != settings.allowedFileTypes {
                changes["allowedFileTypes"] = .array(settings.allowedFileTypes.map(JSONValue.string))
                words.append("allowed types \(settings.allowedFileTypes.isEmpty ? "any" : settings.allowedFileTypes.joined(separator: ", "))")
            }
            if before.maxFileSize != settings.maxFileSize {
                changes["maxFileSize"] = settings.maxFileSize.map { .number(Double($0)) } ?? .null
                words.append("max file size \(settings.maxFileSize.map { "\($0) bytes" } ?? "none")")
            }
            if before.autoTagging != settings.autoTagging {
                changes["autoTagging"] = .bool(settings.autoTagging)
                words.append(settings.autoTagging ? "auto-tagging on" : "auto-tagging off")
            }
            try Self.logActivity(db, Activity(
                organizationId: library.organizationId, actor: actor, action: "library.updated", entityType: "library",
                entityId: String(id), entityTitle: library.slug, description: "\(library.slug): \(words.joined(separator: "; "))",
                metadata: .object(["settings": .object(changes)]), now: now))
            return library
        }
    }
}

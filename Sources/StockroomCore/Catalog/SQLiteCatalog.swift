import Foundation
import GRDB

/// The catalog on SQLite. Each public method is one transaction.
public struct SQLiteCatalog: Sendable {
    public let database: CatalogDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: CatalogDatabase) {
        self.database = database
    }

    public var changes: CatalogChangeCounter { database.changes }
    public var backendName: String { "sqlite" }

    /// Runs a write transaction, mapping store errors to domain errors.
    func write<T>(_ body: (Database) throws -> T) throws(DomainError) -> T {
        do { return try writer.write(body) } catch { throw StoreErrorMapping.map(error) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(DomainError) -> T {
        do { return try writer.read(body) } catch { throw StoreErrorMapping.map(error) }
    }
}

/// Store → domain error mapping: constraint violations become user-level errors.
enum StoreErrorMapping {
    static func map(_ error: any Error) -> DomainError {
        if let domain = error as? DomainError { return domain }
        if let db = error as? DatabaseError {
            switch db.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return .alreadyExists("already exists (\(db.message ?? "unique constraint"))")
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                return .conflict("refers to a missing or still-referenced row")
            case .SQLITE_CONSTRAINT_CHECK:
                return .invalidArgument("value not allowed (\(db.message ?? "check constraint"))")
            default:
                return .storage("catalog error: \(db.message ?? db.description)")
            }
        }
        return .storage("catalog error: \(error)")
    }
}

extension SQLiteCatalog: Catalog {}

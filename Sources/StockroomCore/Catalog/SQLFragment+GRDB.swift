import Foundation
import GRDB

extension SQLValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .int(value): value.databaseValue
        case let .double(value): value.databaseValue
        case let .text(value): value.databaseValue
        case let .date(value): value.databaseValue
        case let .bool(value): value.databaseValue
        }
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> SQLValue? { nil }
}

extension SQLFragment {
    /// The values as GRDB arguments, for the SQLite catalog.
    var statementArguments: StatementArguments { StatementArguments(arguments) }
}

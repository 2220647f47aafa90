import Foundation

/// A value bound to a `?` placeholder, in either dialect.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case date(Date)
    case bool(Bool)
}

/// Swift values usable as SQL arguments.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension String: SQLValueConvertible { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLValueConvertible { public var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLValueConvertible { public var sqlValue: SQLValue { .int(self) } }
extension Double: SQLValueConvertible { public var sqlValue: SQLValue { .double(self) } }
extension Date: SQLValueConvertible { public var sqlValue: SQLValue { .date(self) } }
extension Bool: SQLValueConvertible { public var sqlValue: SQLValue { .bool(self) } }
extension SQLValue: SQLValueConvertible { public var sqlValue: SQLValue { self } }
extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// SQL text with `?` placeholders and the values bound to them. Values never enter the text.
public struct SQLFragment: Sendable {
    public var sql: String
    public var arguments: [SQLValue]

    public init(_ sql: String, _ arguments: [any SQLValueConvertible] = []) {
        self.sql = sql
        self.arguments = arguments.map(\.sqlValue)
    }

    public init(sql: String, values: [SQLValue]) {
        self.sql = sql
        self.arguments = values
    }

    /// `?, ?, ?` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

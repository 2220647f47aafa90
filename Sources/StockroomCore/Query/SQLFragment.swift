import GRDB

/// SQL text with `?` placeholders and the values bound to them. Values never enter the text.
public struct SQLFragment: Sendable {
    public var sql: String
    public var arguments: StatementArguments

    public init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// `?, ?, ?` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

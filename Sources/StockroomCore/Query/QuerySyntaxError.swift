/// A query that does not follow the grammar, with the 1-based column where reading stopped.
public struct QuerySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based column (in characters) of the offending token.
    public var column: Int
    /// What was read there, for the message ("end of query", "\")\"", "width:abc").
    public var found: String
    /// What the grammar would have accepted at that column.
    public var expected: String

    public init(column: Int, found: String, expected: String) {
        self.column = column
        self.found = found
        self.expected = expected
    }

    public var description: String {
        "query syntax error at column \(column): expected \(expected), found \(found)"
    }
}

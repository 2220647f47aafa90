/// A lexical unit of the query language, with its 1-based starting column.
struct QueryToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare word or `field:value`; `quoted` when the value part (or the whole word) was in quotes.
        case word(String, quoted: Bool)
        /// `field:"value with spaces"`: the field name and the unquoted value.
        case field(name: String, value: String, quoted: Bool)
        case openParen, closeParen
        /// `-` glued to the following term.
        case minus
        case and, or, not
        case end
    }

    var kind: Kind
    var column: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case let .word(text, _): "\"\(text)\""
        case let .field(name, value, quoted): quoted ? "\"\(name):\"\(value)\"\"" : "\"\(name):\(value)\""
        case .openParen: "\"(\""
        case .closeParen: "\")\""
        case .minus: "\"-\""
        case .and: "AND"
        case .or: "OR"
        case .not: "NOT"
        case .end: "end of query"
        }
    }
}

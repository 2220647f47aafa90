/// Recursive-descent parser over the tokens of `QueryLexer`.
///
/// ```
/// query    := or-expr? end
/// or-expr  := and-expr ("OR" and-expr)*
/// and-expr := unary ("AND"? unary)*          -- juxtaposition is AND
/// unary    := ("NOT" | "-") unary | primary
/// primary  := "(" or-expr ")" | term
/// ```
/// NOT binds tighter than AND, which binds tighter than OR.
struct QueryParser {
    private let tokens: [QueryToken]
    private var position = 0

    init(tokens: [QueryToken]) {
        self.tokens = tokens
    }

    /// `nil` for an empty query (every asset).
    static func parse(_ text: String) throws(QuerySyntaxError) -> QueryExpression? {
        var parser = QueryParser(tokens: try QueryLexer.tokens(of: text))
        if parser.current.kind == .end { return nil }
        let expression = try parser.orExpression()
        guard parser.current.kind == .end else {
            let token = parser.current
            let expected = token.kind == .closeParen ? "a term or operator (this \")\" has no matching \"(\")" : "a term, AND, OR or end of query"
            throw QuerySyntaxError(column: token.column, found: token.display, expected: expected)
        }
        return expression
    }

    private var current: QueryToken { tokens[position] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func orExpression() throws(QuerySyntaxError) -> QueryExpression {
        var operands = [try andExpression()]
        while current.kind == .or {
            advance()
            operands.append(try andExpression())
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func andExpression() throws(QuerySyntaxError) -> QueryExpression {
        var operands = [try unary()]
        while true {
            switch current.kind {
            case .and:
                advance()
                operands.append(try unary())
            case .word, .field, .openParen, .minus, .not:
                operands.append(try unary())
            default:
                return operands.count == 1 ? operands[0] : .and(operands)
            }
        }
    }

    private mutating func unary() throws(QuerySyntaxError) -> QueryExpression {
        switch current.kind {
        case .not, .minus:
            advance()
            return .not(try unary())
        default:
            return try primary()
        }
    }

    private mutating func primary() throws(QuerySyntaxError) -> QueryExpression {
        let token = current
        switch token.kind {
        case .openParen:
            advance()
            if current.kind == .closeParen {
                throw QuerySyntaxError(column: current.column, found: current.display, expected: "a term inside the parentheses")
            }
            let inner = try orExpression()
            guard current.kind == .closeParen else {
                throw QuerySyntaxError(column: current.column, found: current.display,
                                       expected: "\")\" to close the \"(\" at column \(token.column)")
            }
            advance()
            return inner
        case let .word(text, _):
            advance()
            return .term(.text(text))
        case let .field(name, value, quoted):
            advance()
            return .term(try QueryTermReader.term(field: name, value: value, quoted: quoted, column: token.column))
        default:
            throw QuerySyntaxError(column: token.column, found: token.display, expected: "a term (a word, field:value or \"(\")")
        }
    }
}

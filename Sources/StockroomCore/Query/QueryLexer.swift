/// Splits query text into tokens. Whitespace separates terms; `(` and `)` stand alone; a
/// leading `-` negates the term it is glued to; `"…"` quotes a whole term or a field's value,
/// with `\"` and `\\` as escapes inside quotes. `AND`, `OR` and `NOT` are operators only in
/// upper case, so `or` stays searchable as a word.
struct QueryLexer {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    static func tokens(of text: String) throws(QuerySyntaxError) -> [QueryToken] {
        var lexer = QueryLexer(text)
        var tokens: [QueryToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var column: Int { index + 1 }

    private mutating func next() throws(QuerySyntaxError) -> QueryToken {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        guard index < characters.count else { return QueryToken(kind: .end, column: column) }
        let start = column
        switch characters[index] {
        case "(":
            index += 1
            return QueryToken(kind: .openParen, column: start)
        case ")":
            index += 1
            return QueryToken(kind: .closeParen, column: start)
        case "-":
            // A minus starts a negation only when a term follows right after it.
            if index + 1 < characters.count, !characters[index + 1].isWhitespace, characters[index + 1] != ")" {
                index += 1
                return QueryToken(kind: .minus, column: start)
            }
            throw QuerySyntaxError(column: start, found: "\"-\"", expected: "a term right after \"-\" (as in -tag:draft)")
        case "\"":
            let text = try quoted()
            return QueryToken(kind: .word(text, quoted: true), column: start)
        default:
            return try word(startingAt: start)
        }
    }

    /// Reads a bare word, which may be `field:value` or `field:"quoted value"`.
    private mutating func word(startingAt start: Int) throws(QuerySyntaxError) -> QueryToken {
        var text = ""
        while index < characters.count {
            let c = characters[index]
            if c.isWhitespace || c == "(" || c == ")" { break }
            if c == ":", isFieldName(text) {
                index += 1
                if index < characters.count, characters[index] == "\"" {
                    let value = try quoted()
                    return QueryToken(kind: .field(name: text, value: value, quoted: true), column: start)
                }
                var value = ""
                while index < characters.count {
                    let v = characters[index]
                    if v.isWhitespace || v == ")" { break }
                    if v == "(" { break }
                    value.append(v)
                    index += 1
                }
                return QueryToken(kind: .field(name: text, value: value, quoted: false), column: start)
            }
            if c == "\"" {
                throw QuerySyntaxError(column: column, found: "a quote inside a word", expected: "a space before the opening quote")
            }
            text.append(c)
            index += 1
        }
        switch text {
        case "AND": return QueryToken(kind: .and, column: start)
        case "OR": return QueryToken(kind: .or, column: start)
        case "NOT": return QueryToken(kind: .not, column: start)
        default: return QueryToken(kind: .word(text, quoted: false), column: start)
        }
    }

    private func isFieldName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") }
    }

    /// Reads `"…"` starting at the opening quote and returns the unescaped content.
    private mutating func quoted() throws(QuerySyntaxError) -> String {
        let open = column
        index += 1
        var text = ""
        while index < characters.count {
            let c = characters[index]
            index += 1
            if c == "\\", index < characters.count, characters[index] == "\"" || characters[index] == "\\" {
                text.append(characters[index])
                index += 1
            } else if c == "\"" {
                return text
            } else {
                text.append(c)
            }
        }
        throw QuerySyntaxError(column: open, found: "an unclosed quote", expected: "a closing \" for the quote opened here")
    }
}

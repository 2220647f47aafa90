import Foundation

/// `text:` values as FTS5 queries. The user's words are never FTS5 syntax: each value becomes
/// one quoted phrase (quotes doubled), so `text:"summer sale"` finds the two words side by side
/// and `text:AND` finds the word "and". A trailing `*` keeps its meaning: `text:summ*` is a prefix.
enum FullTextQuery {
    static func match(_ value: String) -> String {
        var phrase = value.trimmingCharacters(in: .whitespaces)
        var prefix = false
        if phrase.hasSuffix("*") {
            prefix = true
            phrase.removeLast()
        }
        let quoted = "\"" + phrase.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return prefix ? quoted + "*" : quoted
    }

    /// A `text:` value as a PostgreSQL `tsquery` (for `to_tsquery('simple', …)`): its words in
    /// order (`<->`, side by side, as an FTS5 phrase), the last one a prefix when it ends in `*`.
    /// Words are runs of letters and digits, each quoted as a lexeme, so no tsquery operator a
    /// user types has its meaning.
    static func tsquery(_ value: String) -> String {
        var phrase = value.trimmingCharacters(in: .whitespaces)
        var prefix = false
        if phrase.hasSuffix("*") {
            prefix = true
            phrase.removeLast()
        }
        let words = phrase.split { !($0.isLetter || $0.isNumber) }.map { "'\($0.lowercased())'" }
        guard !words.isEmpty else { return "''" }
        return words.joined(separator: " <-> ") + (prefix ? ":*" : "")
    }

    /// The ranking query of `rankingMatch` as a PostgreSQL `tsquery`.
    static func rankingTSQuery(_ expression: QueryExpression?) -> String? {
        var phrases: [String] = []
        func collect(_ expression: QueryExpression) {
            switch expression {
            case let .term(.fullText(text)): phrases.append("(" + tsquery(text) + ")")
            case .term: break
            case let .and(operands), let .or(operands): operands.forEach(collect)
            case .not: break
            }
        }
        if let expression { collect(expression) }
        guard !phrases.isEmpty else { return nil }
        return phrases.joined(separator: " | ")
    }

    /// The `text:` terms outside NOT, ORed: the FTS5 query whose bm25 ranks the results (a result
    /// that matched any of them gets a rank; the others sort after, by id).
    static func rankingMatch(_ expression: QueryExpression?) -> String? {
        var phrases: [String] = []
        func collect(_ expression: QueryExpression) {
            switch expression {
            case let .term(.fullText(text)): phrases.append(match(text))
            case .term: break
            case let .and(operands), let .or(operands): operands.forEach(collect)
            case .not: break
            }
        }
        if let expression { collect(expression) }
        guard !phrases.isEmpty else { return nil }
        return phrases.joined(separator: " OR ")
    }
}

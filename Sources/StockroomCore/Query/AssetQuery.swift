/// A parsed query of the search language, shared by the CLI, smart collections and the admin
/// API's `q=` parameter. See Docs/query.md for the grammar.
public struct AssetQuery: Equatable, Sendable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// `nil` when the query is empty: every asset.
    public let expression: QueryExpression?

    public init(text: String, expression: QueryExpression?) {
        self.text = text
        self.expression = expression
    }

    /// Parses `text`; a syntax error names the 1-based column and what was expected there.
    public static func parse(_ text: String) throws(QuerySyntaxError) -> AssetQuery {
        AssetQuery(text: text, expression: try QueryParser.parse(text))
    }

    /// Every asset.
    public static let all = AssetQuery(text: "", expression: nil)

    public var description: String { text }

    /// Whether results can be ranked by relevance (the query has `text:` terms outside NOT).
    public var hasFullTextTerms: Bool { FullTextQuery.rankingMatch(expression) != nil }
}

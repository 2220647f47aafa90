/// Result order of a search: a field, ascending unless written with a leading `-`.
public struct AssetSort: Equatable, Sendable {
    public enum Field: String, Sendable, CaseIterable {
        case id, name, captured, created, updated, expires, width, height, duration, size, status, type, pages, words, layers
        /// Full-text relevance of the query's `text:` terms (bm25, title weighted above body);
        /// by id when the query has none.
        case relevance

        var column: String {
            switch self {
            case .id: "asset.id"
            case .name: "asset.name COLLATE NOCASE"
            case .captured: "asset.capturedAt"
            case .created: "asset.createdAt"
            case .updated: "asset.updatedAt"
            case .expires: "asset.expiresAt"
            case .width: "asset.width"
            case .height: "asset.height"
            case .duration: "asset.durationSeconds"
            case .size: "asset.byteSize"
            case .status: "asset.status"
            case .type: "asset.assetType"
            case .pages: "asset.pageCount"
            case .words: "asset.wordCount"
            case .layers: "asset.layerCount"
            case .relevance: "ranked.textRank"
            }
        }
    }

    public var field: Field
    public var descending: Bool

    public init(field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// Parses `name`, `-captured`.
    public init?(parsing text: String) {
        let descending = text.hasPrefix("-")
        guard let field = Field(rawValue: String(descending ? text.dropFirst() : Substring(text)).lowercased()) else { return nil }
        self.init(field: field, descending: descending)
    }

    public static let byId = AssetSort(field: .id)
    public static let byRelevance = AssetSort(field: .relevance)

    /// `ORDER BY` text; the id breaks ties so pages are stable. Built only from the enum above.
    var orderBy: String { orderClause(.sqlite) }

    /// `ORDER BY` text in `dialect`'s spelling (camelCase identifiers; the caller maps them).
    func orderClause(_ dialect: SQLDialect) -> String {
        let direction = dialect.direction(descending: descending)
        if field == .relevance {
            // bm25 is lower for better matches (PostgreSQL's rank is negated to match); unranked rows last whichever way.
            return "ranked.textRank IS NULL, ranked.textRank\(descending ? " DESC" : ""), asset.id"
        }
        if field == .id { return "asset.id\(descending ? " DESC" : "")" }
        let column = field == .name ? dialect.caseless("asset.name") : field.column
        return "\(column)\(direction), asset.id"
    }
}

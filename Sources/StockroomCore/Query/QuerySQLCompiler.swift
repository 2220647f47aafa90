import Foundation

/// Compiles a query into a `WHERE` condition on the `asset` table, with every user value bound
/// as an argument. Relative dates are resolved against `now`.
///
/// `collection:slug` matches the collection's hand-picked items and, for a SMART collection,
/// the assets its own `smartQuery` matches, compiled recursively; a collection that refers back
/// to itself, or nesting deeper than `maxCollectionDepth`, is an error.
struct QuerySQLCompiler {
    /// What `collection:slug` needs to know about a collection.
    struct CollectionDefinition {
        var id: Int64
        var smartQuery: String?
    }

    static let maxCollectionDepth = 8

    let organizationId: String
    let now: Date
    let dialect: SQLDialect
    /// Looks a collection up by slug; `nil` when there is none.
    let collection: (String) throws -> CollectionDefinition?
    var collectionsBeingExpanded: [String] = []

    init(organizationId: String, now: Date, dialect: SQLDialect = .sqlite,
         collection: @escaping (String) throws -> CollectionDefinition?) {
        self.organizationId = organizationId
        self.now = now
        self.dialect = dialect
        self.collection = collection
    }

    /// The condition selecting the query's assets of the organization, in the dialect's spelling.
    func condition(for query: AssetQuery) throws -> SQLFragment {
        // The unary + keeps SQLite from scanning by organization (one value for a whole catalog)
        // instead of using the selective indexes of the terms; PostgreSQL's planner has
        // statistics and needs no hint (and has no unary + on text).
        var fragment = SQLFragment(dialect == .sqlite ? "+asset.organizationId = ?" : "asset.organizationId = ?", [organizationId])
        if let expression = query.expression {
            let inner = try compile(expression)
            fragment.sql += " AND (\(inner.sql))"
            fragment.arguments += inner.arguments
        }
        fragment.sql = dialect.identifiers(in: fragment.sql)
        return fragment
    }

    private func compile(_ expression: QueryExpression) throws -> SQLFragment {
        switch expression {
        case let .term(term):
            return try compile(term)
        case let .and(operands), let .or(operands):
            let glue = if case .and = expression { " AND " } else { " OR " }
            let parts = try operands.map { try compile($0) }
            var arguments: [SQLValue] = []
            for part in parts { arguments += part.arguments }
            return SQLFragment(sql: parts.map { "(\($0.sql))" }.joined(separator: glue), values: arguments)
        case let .not(inner):
            // Two-valued NOT: an asset with no width is "not width:>=3000".
            let compiled = try compile(inner)
            return SQLFragment(sql: "NOT COALESCE((\(compiled.sql)), FALSE)", values: compiled.arguments)
        }
    }

    private static let taggedAssets = "SELECT asset_tag.assetId FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId"

    private func compile(_ term: QueryTerm) throws -> SQLFragment {
        switch term {
        case let .tag(normalized):
            // Two seeks on the (organizationId, normalized) index: the tag itself, and the range of
            // its descendants ("0" sorts right after "/"). An OR would make SQLite scan the tags.
            return SQLFragment(
                """
                asset.id IN (SELECT asset_tag.assetId FROM asset_tag WHERE asset_tag.tagId IN (\
                SELECT id FROM tag WHERE organizationId = ? AND normalized = ? \
                UNION ALL SELECT id FROM tag WHERE organizationId = ? AND normalized > ? AND normalized < ?))
                """,
                [organizationId, normalized, organizationId, normalized + "/", normalized + "0"])
        case let .type(types):
            return SQLFragment("asset.assetType IN (\(SQLFragment.placeholders(types.count)))",
                               types.map(\.rawValue))
        case let .folder(path, subtree):
            if path == "/" {
                return subtree ? SQLFragment("TRUE") : SQLFragment("asset.folderId IS NULL")
            }
            if subtree {
                return SQLFragment("asset.folderId IN (SELECT id FROM folder WHERE path = ? OR (path > ? AND path < ?))",
                                   [path, path + "/", path + "0"])
            }
            return SQLFragment("asset.folderId IN (SELECT id FROM folder WHERE path = ?)", [path])
        case let .library(slug):
            return SQLFragment("asset.libraryId IN (SELECT id FROM library WHERE organizationId = ? AND slug = ?)",
                               [organizationId, slug])
        case let .name(glob):
            return SQLFragment("asset.name \(dialect.like) ? ESCAPE '\\'", [LikePattern.glob(glob)])
        case let .status(status):
            return SQLFragment("asset.status = ?", [status.rawValue])
        case let .license(license):
            guard let license else { return SQLFragment("asset.license IS NULL") }
            return SQLFragment("asset.license = ?", [license.rawValue])
        case let .expires(op, date):
            return comparison("asset.expiresAt", op, date.interval(now: now, direction: 1))
        case .expired:
            return SQLFragment("asset.expiresAt < ?", [now])
        case .expiresNone:
            return SQLFragment("asset.expiresAt IS NULL")
        case let .captured(op, date):
            return comparison("asset.capturedAt", op, date.interval(now: now, direction: -1))
        case let .camera(text):
            return SQLFragment("(COALESCE(asset.cameraMake, '') || ' ' || COALESCE(asset.cameraModel, '')) \(dialect.like) ? ESCAPE '\\'",
                               [LikePattern.containing(text)])
        case let .width(op, pixels):
            return SQLFragment("asset.width \(op.rawValue) ?", [pixels])
        case let .height(op, pixels):
            return SQLFragment("asset.height \(op.rawValue) ?", [pixels])
        case let .duration(op, seconds):
            return SQLFragment("asset.durationSeconds \(op.rawValue) ?", [seconds])
        case let .copyright(holder):
            guard let holder else {
                return SQLFragment("(asset.copyrightHolder IS NULL OR trim(asset.copyrightHolder) = '')")
            }
            return SQLFragment("asset.copyrightHolder \(dialect.like) ? ESCAPE '\\'", [LikePattern.containing(holder)])
        case let .collection(slug):
            return try collectionMembership(slug)
        case let .text(text):
            let pattern = LikePattern.containing(text)
            return SQLFragment(
                """
                (asset.name \(dialect.like) ? ESCAPE '\\' OR asset.description \(dialect.like) ? ESCAPE '\\' \
                OR asset.id IN (\(Self.taggedAssets) WHERE tag.organizationId = ? AND tag.name \(dialect.like) ? ESCAPE '\\'))
                """,
                [pattern, pattern, organizationId, pattern])
        case let .fullText(text):
            if dialect == .postgresql {
                return SQLFragment("asset.id IN (SELECT assetId FROM asset_text WHERE document @@ to_tsquery('simple', ?))",
                                   [FullTextQuery.tsquery(text)])
            }
            return SQLFragment("asset.id IN (SELECT rowid FROM asset_text WHERE asset_text MATCH ?)", [FullTextQuery.match(text)])
        case let .pages(op, count):
            return SQLFragment("asset.pageCount \(op.rawValue) ?", [count])
        case let .words(op, count):
            return SQLFragment("asset.wordCount \(op.rawValue) ?", [count])
        case let .layers(op, count):
            return SQLFragment("asset.layerCount \(op.rawValue) ?", [count])
        case let .font(family):
            return SQLFragment("asset.id IN (SELECT assetId FROM asset_font WHERE normalized \(dialect.like) ? ESCAPE '\\')",
                               [LikePattern.containing(AssetFont.normalize(family))])
        }
    }

    /// `column op date`, where a calendar day is the interval [start, end): `<=2026-12-31`
    /// includes the whole 31st, `>2026-12-31` starts on the 1st.
    private func comparison(_ column: String, _ op: QueryComparison, _ interval: (start: Date, end: Date)) -> SQLFragment {
        let (start, end) = interval
        let isDay = end > start
        switch op {
        case .less: return SQLFragment("\(column) < ?", [start])
        case .lessOrEqual: return isDay ? SQLFragment("\(column) < ?", [end]) : SQLFragment("\(column) <= ?", [start])
        case .greater: return isDay ? SQLFragment("\(column) >= ?", [end]) : SQLFragment("\(column) > ?", [start])
        case .greaterOrEqual: return SQLFragment("\(column) >= ?", [start])
        case .equal: return isDay ? SQLFragment("(\(column) >= ? AND \(column) < ?)", [start, end]) : SQLFragment("\(column) = ?", [start])
        }
    }

    private func collectionMembership(_ slug: String) throws -> SQLFragment {
        guard let definition = try collection(slug) else {
            throw DomainError.notFound("no collection \"\(slug)\" (in collection:\(slug))")
        }
        var fragment = SQLFragment("asset.id IN (SELECT assetId FROM collection_item WHERE collectionId = ?)", [definition.id])
        guard let smartText = definition.smartQuery, !smartText.trimmingCharacters(in: .whitespaces).isEmpty else { return fragment }
        if collectionsBeingExpanded.contains(slug) {
            throw DomainError.invalidArgument(
                "smart collection \"\(slug)\" refers to itself (\((collectionsBeingExpanded + [slug]).joined(separator: " → ")))")
        }
        guard collectionsBeingExpanded.count < Self.maxCollectionDepth else {
            throw DomainError.invalidArgument("smart collections nest deeper than \(Self.maxCollectionDepth) levels at \"\(slug)\"")
        }
        let smartQuery: AssetQuery
        do {
            smartQuery = try AssetQuery.parse(smartText)
        } catch {
            throw DomainError.invalidArgument("smart collection \"\(slug)\" has an invalid query: \(error)")
        }
        guard let expression = smartQuery.expression else {
            return SQLFragment("TRUE")
        }
        var nested = self
        nested.collectionsBeingExpanded.append(slug)
        let smart = try nested.compile(expression)
        fragment.sql = "(\(fragment.sql)) OR (\(smart.sql))"
        fragment.arguments += smart.arguments
        return fragment
    }
}

import Foundation

extension PostgresCatalog: AssetQueryRepository {
    public func assetIDs(matching query: AssetQuery, limit: Int?, now: Date, organizationId: String) throws(DomainError) -> [Int64] {
        try read { tx throws(DomainError) in
            var condition = try Self.condition(tx, query, now: now, organizationId: organizationId)
            condition.sql = "SELECT asset.id FROM asset WHERE \(condition.sql) ORDER BY asset.id"
            if let limit {
                condition.sql += " LIMIT ?"
                condition.arguments.append(.int(Int64(limit)))
            }
            return try tx.column(Int64.self, condition)
        }
    }

    public func searchAssets(_ query: AssetQuery, sort: AssetSort, limit: Int?, now: Date, organizationId: String) throws(DomainError) -> AssetSearchPage {
        try read { tx throws(DomainError) in
            let condition = try Self.condition(tx, query, now: now, organizationId: organizationId)
            var total = try Self.tagSearchTotal(tx, query, organizationId: organizationId)
            if total == nil {
                total = try tx.column(Int64.self, SQLFragment(sql: "SELECT count(*) FROM asset WHERE \(condition.sql)", values: condition.arguments)).first ?? 0
            }
            var sort = sort
            var ranking = ""
            var values: [SQLValue] = []
            if sort.field == .relevance {
                if let match = FullTextQuery.rankingTSQuery(query.expression) {
                    // Negated so that, as with bm25, lower is better; the title weighs ten times the body.
                    ranking = """
                        LEFT JOIN (SELECT asset_id AS text_asset_id, -ts_rank('{0.1, 0.1, 0.1, 1.0}', document, q) AS text_rank
                                   FROM asset_text, to_tsquery('simple', ?) q WHERE document @@ q) ranked ON ranked.text_asset_id = asset.id
                        """
                    values.append(.text(match))
                } else {
                    sort = AssetSort(field: .id, descending: sort.descending)
                }
            }
            var sql = """
                SELECT asset.id, asset.name, library.slug, folder.path, asset.asset_type, asset.status,
                       asset.license, asset.expires_at, asset.copyright_holder, asset.width, asset.height,
                       asset.duration_seconds, asset.captured_at, asset.byte_size, asset.page_count, asset.word_count, asset.layer_count
                FROM asset JOIN library ON library.id = asset.library_id LEFT JOIN folder ON folder.id = asset.folder_id
                \(ranking)
                WHERE \(condition.sql) ORDER BY \(SQLDialect.postgresql.identifiers(in: sort.orderClause(.postgresql)))
                """
            values += condition.arguments
            if let limit {
                sql += " LIMIT ?"
                values.append(.int(Int64(limit)))
            }
            var hits: [AssetSearchHit] = []
            for row in try tx.run(SQLFragment(sql: sql, values: values)).rows {
                do {
                    let c = row.makeRandomAccess()
                    hits.append(AssetSearchHit(
                        id: try c[0].decode(Int64.self), name: try c[1].decode(String.self), library: try c[2].decode(String.self),
                        folder: try c[3].decode(String?.self),
                        assetType: AssetType(rawValue: try c[4].decode(String.self)) ?? .other,
                        status: AssetStatus(rawValue: try c[5].decode(String.self)) ?? .pending,
                        license: try c[6].decode(String?.self).flatMap(LicenseType.init(rawValue:)),
                        expiresAt: try c[7].decode(Date?.self), copyrightHolder: try c[8].decode(String?.self),
                        width: try c[9].decode(Int?.self), height: try c[10].decode(Int?.self),
                        durationSeconds: try c[11].decode(Double?.self), capturedAt: try c[12].decode(Date?.self),
                        byteSize: try c[13].decode(Int64?.self), pageCount: try c[14].decode(Int?.self),
                        wordCount: try c[15].decode(Int?.self), layerCount: try c[16].decode(Int?.self), tags: []))
                } catch {
                    throw DomainError.storage("PostgreSQL: unreadable search row: \(error)")
                }
            }
            let tags = try Self.tagNames(tx, assetIds: hits.map(\.id))
            for i in hits.indices { hits[i].tags = tags[hits[i].id] ?? [] }
            return AssetSearchPage(query: query.text, total: Int(total ?? 0), assets: hits)
        }
    }

    /// The total of a search that is one tag (`tag:X`, its descendants included), counted from
    /// `asset_tag` alone: every tag row names an existing asset of its tag's organization
    /// (catalog-v9 checks both), so the distinct assets of the organization's matching tags are
    /// exactly the matches — without the probe of `asset` per match the general count makes
    /// (21 ms of a 42 ms search for 6 591 matches at a million assets). Nil for any other query.
    static func tagSearchTotal(_ tx: PostgresTransaction, _ query: AssetQuery, organizationId: String) throws(DomainError) -> Int64? {
        guard case let .term(.tag(normalized))? = query.expression else { return nil }
        return try tx.scalar(Int64.self, tagSearchTotalSQL, [organizationId, normalized, organizationId, normalized + "/", normalized + "0"]) ?? 0
    }

    static let tagSearchTotalSQL = """
        SELECT count(DISTINCT asset_id) FROM asset_tag WHERE tag_id IN (
          SELECT id FROM tag WHERE organization_id = ? AND normalized = ?
          UNION ALL SELECT id FROM tag WHERE organization_id = ? AND normalized > ? AND normalized < ?)
        """

    /// The compiled condition in PostgreSQL's dialect, with `collection:` slugs looked up in this transaction.
    static func condition(_ tx: PostgresTransaction, _ query: AssetQuery, now: Date, organizationId: String) throws(DomainError) -> SQLFragment {
        let compiler = QuerySQLCompiler(organizationId: organizationId, now: now, dialect: .postgresql) { slug in
            let rows = try tx.run("SELECT id, collection_type, smart_query FROM collection WHERE organization_id = ? AND slug = ?",
                                  [organizationId, slug]).rows
            guard let row = rows.first else { return nil }
            let (id, type, smartQuery) = try row.decode((Int64, String, String?).self)
            return QuerySQLCompiler.CollectionDefinition(id: id, smartQuery: type == CollectionType.smart.rawValue ? smartQuery : nil)
        }
        do {
            return try compiler.condition(for: query)
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("PostgreSQL: \(error)")
        }
    }
}

import Foundation
import GRDB

extension SQLiteCatalog: AssetQueryRepository {
    public func assetIDs(matching query: AssetQuery, limit: Int?, now: Date, organizationId: String) throws(DomainError) -> [Int64] {
        try read { db in
            let condition = try Self.condition(db, query, now: now, organizationId: organizationId)
            var sql = "SELECT asset.id FROM asset WHERE \(condition.sql) ORDER BY asset.id"
            var arguments = condition.statementArguments
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Int64.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    public func searchAssets(_ query: AssetQuery, sort: AssetSort, limit: Int?, now: Date,
                             organizationId: String) throws(DomainError) -> AssetSearchPage {
        try read { db in
            let condition = try Self.condition(db, query, now: now, organizationId: organizationId)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM asset WHERE \(condition.sql)", arguments: condition.statementArguments) ?? 0
            var sort = sort
            var ranking = ""
            var arguments = StatementArguments()
            if sort.field == .relevance {
                if let match = FullTextQuery.rankingMatch(query.expression) {
                    // bm25 weights: a hit in the title counts ten times one in the body.
                    ranking = """
                        LEFT JOIN (SELECT rowid AS textRowId, bm25(asset_text, 10.0, 1.0) AS textRank
                                   FROM asset_text WHERE asset_text MATCH ?) ranked ON ranked.textRowId = asset.id
                        """
                    arguments += [match]
                } else {
                    sort = AssetSort(field: .id, descending: sort.descending)
                }
            }
            var sql = """
                SELECT asset.id, asset.name, library.slug AS library, folder.path AS folder, asset.assetType, asset.status,
                       asset.license, asset.expiresAt, asset.copyrightHolder, asset.width, asset.height,
                       asset.durationSeconds, asset.capturedAt, asset.byteSize, asset.pageCount, asset.wordCount, asset.layerCount
                FROM asset JOIN library ON library.id = asset.libraryId LEFT JOIN folder ON folder.id = asset.folderId
                \(ranking)
                WHERE \(condition.sql) ORDER BY \(sort.orderBy)
                """
            arguments += condition.statementArguments
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            var hits = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                AssetSearchHit(
                    id: row["id"], name: row["name"], library: row["library"], folder: row["folder"],
                    assetType: row["assetType"], status: row["status"], license: row["license"], expiresAt: row["expiresAt"],
                    copyrightHolder: row["copyrightHolder"], width: row["width"], height: row["height"],
                    durationSeconds: row["durationSeconds"], capturedAt: row["capturedAt"], byteSize: row["byteSize"],
                    pageCount: row["pageCount"], wordCount: row["wordCount"], layerCount: row["layerCount"], tags: [])
            }
            let tags = try Self.tagNames(db, assetIDs: hits.map(\.id))
            for i in hits.indices { hits[i].tags = tags[hits[i].id] ?? [] }
            return AssetSearchPage(query: query.text, total: total, assets: hits)
        }
    }

    /// The compiled condition, with `collection:` slugs looked up in this transaction.
    static func condition(_ db: Database, _ query: AssetQuery, now: Date, organizationId: String) throws -> SQLFragment {
        let compiler = QuerySQLCompiler(organizationId: organizationId, now: now) { slug in
            try Row.fetchOne(db, sql: "SELECT id, collectionType, smartQuery FROM collection WHERE organizationId = ? AND slug = ?",
                             arguments: [organizationId, slug]).map { row in
                let type: String = row["collectionType"]
                return QuerySQLCompiler.CollectionDefinition(
                    id: row["id"], smartQuery: type == CollectionType.smart.rawValue ? row["smartQuery"] : nil)
            }
        }
        return try compiler.condition(for: query)
    }

    /// Tag display names per asset, sorted case-insensitively.
    static func tagNames(_ db: Database, assetIDs: [Int64]) throws -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        // Chunks stay under SQLite's bound-parameter limit.
        for start in stride(from: 0, to: assetIDs.count, by: 500) {
            let chunk = Array(assetIDs[start..<min(start + 500, assetIDs.count)])
            let rows = try Row.fetchAll(db, sql: """
                SELECT asset_tag.assetId, tag.name FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                WHERE asset_tag.assetId IN (\(SQLFragment.placeholders(chunk.count))) ORDER BY tag.normalized
                """, arguments: StatementArguments(chunk))
            for row in rows { result[row["assetId"], default: []].append(row["name"]) }
        }
        return result
    }
}

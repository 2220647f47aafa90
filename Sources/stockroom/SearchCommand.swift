import ArgumentParser
import Foundation
import StockroomCore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Find assets with the query language.",
        discussion: "Example: stockroom search 'type:image tag:summer -status:rejected (license:royalty_free OR license:owned)'. The grammar is in Docs/query.md."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The query; empty matches every asset.") var query: String = ""
    @Flag(help: "Print JSON: { query, total, assets: [...] }.") var json = false
    @Flag(help: "Print CSV with a header row.") var csv = false
    @Option(help: "At most this many assets (0: all).") var limit = 50
    @Option(help: "Order by \(AssetSort.Field.allCases.map(\.rawValue).joined(separator: ", ")); a leading - reverses. Default: relevance when the query has text: terms, else id.")
    var sort: String?

    func validate() throws {
        if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more.") }
        if let sort, AssetSort(parsing: sort) == nil { throw ValidationError("Unknown sort field \"\(sort)\".") }
    }

    func run() throws {
        let parsed = try AssetQuery.parse(query)
        let home = try global.openHome()
        let order = sort.flatMap(AssetSort.init(parsing:)) ?? (parsed.hasFullTextTerms ? .byRelevance : .byId)
        let page = try home.catalog.searchAssets(parsed, sort: order, limit: limit == 0 ? nil : limit)
        if json { return try printJSON(page) }
        let iso = ISO8601DateFormatter()
        if csv {
            return printCSV(
                ["id", "name", "library", "folder", "assetType", "status", "license", "expiresAt", "copyrightHolder",
                 "width", "height", "durationSeconds", "capturedAt", "byteSize", "tags"],
                page.assets.map { hit in
                    [String(hit.id), hit.name, hit.library, hit.folder ?? "/", hit.assetType.rawValue, hit.status.rawValue,
                     hit.license?.rawValue ?? "", hit.expiresAt.map(iso.string) ?? "", hit.copyrightHolder ?? "",
                     hit.width.map(String.init) ?? "", hit.height.map(String.init) ?? "",
                     hit.durationSeconds.map { String($0) } ?? "", hit.capturedAt.map(iso.string) ?? "",
                     hit.byteSize.map(String.init) ?? "", hit.tags.joined(separator: ";")]
                })
        }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        printTable(
            ["ID", "NAME", "LIBRARY", "FOLDER", "TYPE", "STATUS", "LICENSE", "EXPIRES", "TAGS"],
            page.assets.map { hit in
                [String(hit.id), hit.name, hit.library, hit.folder ?? "/", hit.assetType.rawValue, hit.status.rawValue,
                 hit.license?.rawValue ?? "-", hit.expiresAt.map(day.string) ?? "-", hit.tags.joined(separator: ", ")]
            })
        print("\(page.assets.count) of \(page.total) matching assets shown.")
    }
}

import ArgumentParser
import Foundation
import StockroomCore

/// How bulk commands choose their assets: `--where QUERY` or `--ids-from FILE|-`.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("where"), help: "Query selecting the assets (see Docs/query.md).")
    var query: String?

    @Option(help: "File of asset ids, one per line (\"-\" for standard input); # starts a comment.")
    var idsFrom: String?

    @Flag(help: "Show how many assets would change and a sample; change nothing.")
    var dryRun = false

    func validate() throws {
        switch (query, idsFrom) {
        case (nil, nil): throw ValidationError("Choose the assets with --where QUERY or --ids-from FILE.")
        case (.some, .some): throw ValidationError("Use either --where or --ids-from, not both.")
        default: break
        }
    }

    func selection() throws -> AssetSelection {
        if let query { return .query(try AssetQuery.parse(query)) }
        let text: String
        if idsFrom == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do { text = try String(contentsOfFile: idsFrom!, encoding: .utf8) } catch {
                throw DomainError.notFound("cannot read ids from \(idsFrom!): \(error.localizedDescription)")
            }
        }
        var ids: [Int64] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for word in content.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
                guard let id = Int64(word), id > 0 else {
                    throw DomainError.invalidArgument("line \(number + 1) of \(idsFrom!): \"\(word)\" is not an asset id")
                }
                ids.append(id)
            }
        }
        return .ids(ids)
    }
}

/// Prints the outcome of a bulk command in words.
func printBulkReport(_ report: BulkChangeReport, change: String) {
    if report.dryRun {
        print("Dry run: \(report.matched) assets match \(report.selection); \(report.changed) would change (\(change)). Nothing was changed.")
    } else {
        print("Matched \(report.matched) assets (\(report.selection)); changed \(report.changed) (\(change)).")
    }
    if !report.sample.isEmpty {
        let more = report.changed > report.sample.count ? " (first \(report.sample.count) of \(report.changed))" : ""
        print("\(report.dryRun ? "Would change" : "Changed")\(more):")
        for sample in report.sample { print("  #\(sample.id)  \(sample.name)") }
    }
}

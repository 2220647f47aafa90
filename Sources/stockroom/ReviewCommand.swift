import ArgumentParser
import Foundation
import StockroomCore

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "See what clients decided through a share link.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every asset of a link with the client's decision: asset, decision, note, who, when.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The link's token.") var token: String
        @Flag(help: "Print JSON: { token, target, accessLevel, summary, assets: [...] }.") var json = false
        @Flag(help: "Print CSV.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        }

        func run() throws {
            let home = try global.openHome()
            let report = try global.shareService(home).reviewReport(token: token)
            if json { return try printJSON(report) }
            let rows = report.assets.map { row in
                [String(row.assetId), row.name, row.decision.rawValue, row.note ?? "", row.decidedBy ?? "",
                 row.decidedAt.map { $0.formatted(.iso8601) } ?? "", row.shared ? "" : "no longer shared"]
            }
            if csv { return printCSV(["assetId", "name", "decision", "note", "decidedBy", "decidedAt", "remark"], rows) }
            printTable(["ASSET", "NAME", "DECISION", "NOTE", "BY", "WHEN", ""], rows)
            print("\(report.target): \(report.summary)")
        }
    }
}

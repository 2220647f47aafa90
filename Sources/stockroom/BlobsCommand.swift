import ArgumentParser
import Foundation
import StockroomCore

struct BlobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blobs", abstract: "Check the blob store against the catalog.",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every blob the catalog refers to; report (and with --repair-from, put back) missing or damaged ones.",
            discussion: "Exits 0 when every blob is sound (or was repaired), 1 when problems remain."
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("repair-from"), help: "A folder holding good copies: a blob store, a data home, or any tree of files.")
        var repairFrom: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func validate() throws {
            if let repairFrom {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: repairFrom, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("--repair-from \(repairFrom) is not a folder.")
                }
            }
        }

        func run() throws {
            let home = try global.openHome()
            let report = try BlobScrubber(blobs: home.blobs, references: home.catalog)
                .scrub(repairFrom: repairFrom.map { URL(fileURLWithPath: $0, isDirectory: true) })
            if json {
                try printJSON(report)
            } else {
                printTable(["BLOB", "PROBLEM", "EXPECTED", "FOUND", "REPAIRED", "USED BY"], report.problems.map { p in
                    [String(p.hash.prefix(16)), p.problem.rawValue, p.expectedSize.map(String.init) ?? "", p.actualSize.map(String.init) ?? "",
                     p.repaired ? "yes" : "no", p.usedBy.joined(separator: ", ")]
                })
                print("\(report.checked) blobs checked, \(report.ok) sound, \(report.problems.count) with problems"
                    + " (\(report.problems.count - report.unrepaired) repaired), \(report.unreferenced) unreferenced.")
            }
            if report.unrepaired > 0 { throw ExitCode.failure }
        }
    }
}

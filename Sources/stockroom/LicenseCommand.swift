import ArgumentParser
import Foundation
import StockroomCore

struct LicenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license", abstract: "Set licenses in bulk and audit rights.",
        subcommands: [Set.self, Clear.self, Audit.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the license of the selected assets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Option(help: "One of: \(LicenseType.allCases.map(\.rawValue).joined(separator: ", ")).") var type: LicenseType
        @Option(help: "When the license ends: YYYY-MM-DD (00:00 UTC that day) or an ISO-8601 instant.") var expires: String?
        @Option(help: "Copyright holder.") var holder: String?
        @Option(help: "Usage rights, in words.") var usage: String?
        @Option(help: "License details as a JSON object.") var details: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let expiresAt = try expires.map(LicenseDate.parse)
            let detailsValue = try details.map { text -> JSONValue in
                guard let value = try? JSONDecoder.stockroom.decode(JSONValue.self, from: Data(text.utf8)), value.objectValue != nil else {
                    throw ValidationError("--details must be a JSON object, like '{\"attribution\": \"Photo: A. Smith\"}'.")
                }
                return value
            }
            let change = LicenseChange(license: type, expiresAt: expiresAt, copyrightHolder: holder, usageRights: usage, details: detailsValue)
            let parsed = try selection.selection()
            let home = try global.openHome()
            let report = try LicenseService(licenses: home.catalog).set(change, on: parsed, dryRun: selection.dryRun, by: .cli)
            if json { return try printJSON(report) }
            printBulkReport(report, change: "license \(type.rawValue)")
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear license type, details, end date and usage rights (copyright stays) of the selected assets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let parsed = try selection.selection()
            let home = try global.openHome()
            let report = try LicenseService(licenses: home.catalog).clear(on: parsed, dryRun: selection.dryRun, by: .cli)
            if json { return try printJSON(report) }
            printBulkReport(report, change: "license cleared")
        }
    }

    struct Audit: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

        static let configuration = CommandConfiguration(
            abstract: "Report rights problems; exit 1 when a --fail-on class is found.",
            discussion: """
            Classes: \(LicenseFindingClass.allCases.map(\.rawValue).joined(separator: ", ")).
            Exit status: 0 when no finding belongs to a --fail-on class, 1 when one does, 2 when the audit could not run.
            --apply sets assets whose license has ended to EXPIRED and revokes share links pointing at them (once: a second run changes nothing).
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Window for \"expiring\": 12h, 30d, 2w.") var expiringWithin = "30d"
        @Option(help: "table, csv or json.") var format: Format = .table
        @Flag(help: "Same as --format json.") var json = false
        @Option(help: "Comma-separated classes that make the exit status 1 (or \"all\").") var failOn: String?
        @Flag(help: "Withdraw expired assets: status EXPIRED, direct share links revoked.") var apply = false

        func validate() throws {
            if RelativeDuration.seconds(expiringWithin) == nil {
                throw ValidationError("--expiring-within takes a duration like 30d, 12h or 2w.")
            }
            _ = try failClasses()
        }

        func failClasses() throws -> Swift.Set<LicenseFindingClass> {
            guard let failOn else { return [] }
            var classes = Swift.Set<LicenseFindingClass>()
            for name in failOn.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                if name == "all" { classes.formUnion(LicenseFindingClass.allCases); continue }
                guard let found = LicenseFindingClass(rawValue: name) else {
                    throw ValidationError("Unknown --fail-on class \"\(name)\"; use \(LicenseFindingClass.allCases.map(\.rawValue).joined(separator: ", ")) or all.")
                }
                classes.insert(found)
            }
            return classes
        }

        func run() throws {
            let report: LicenseAuditReport
            do {
                let home = try global.openHome()
                report = try LicenseService(licenses: home.catalog)
                    .audit(expiringWithin: RelativeDuration.seconds(expiringWithin)!, apply: apply, by: .cli)
            } catch {
                // Exit status 1 means "findings"; a failure to audit must not look like one.
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            try output(report)
            let status = report.exitStatus(failOn: try failClasses())
            if status != 0 { throw ExitCode(status) }
        }

        private func output(_ report: LicenseAuditReport) throws {
            switch json ? .json : format {
            case .json:
                try printJSON(report)
            case .csv:
                printCSV(LicenseAuditReport.csvHeader, report.csvRows)
                // Standard output stays pure CSV; the summary goes to standard error.
                FileHandle.standardError.write(Data((report.summaryLine + "\n").utf8))
                if let applied = report.applied {
                    FileHandle.standardError.write(Data("Applied: \(applied.assetsExpired) assets set to EXPIRED, \(applied.shareLinksRevoked) share links revoked.\n".utf8))
                }
            case .table:
                printTable(["ASSET", "NAME", "LIBRARY", "CLASS", "DETAIL"],
                           report.findings.map { f in [String(f.assetId), f.assetName, f.library, f.findingClass.rawValue, f.detail] })
                print(report.summaryLine)
                if let applied = report.applied {
                    print("Applied: \(applied.assetsExpired) assets set to EXPIRED, \(applied.shareLinksRevoked) share links revoked.")
                }
            }
        }
    }
}

/// Dates for `license set --expires`.
enum LicenseDate {
    static func parse(_ text: String) throws -> Date {
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if text.count == 10, let date = day.date(from: text) { return date }
        if let instant = ISO8601DateFormatter().date(from: text) { return instant }
        throw ValidationError("--expires takes YYYY-MM-DD or an ISO-8601 instant like 2026-12-31T18:00:00Z, not \"\(text)\".")
    }
}

extension LicenseType: ExpressibleByArgument {
    public init?(argument: String) { self.init(userInput: argument) }
}

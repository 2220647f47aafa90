import Foundation

// The audit's documented outputs, kept next to the report so the CLI, the API and the tests
// produce the same text.
extension LicenseAuditReport {
    public static let csvHeader = ["assetId", "assetName", "library", "class", "license", "expiresAt", "status", "detail"]

    public var csvRows: [[String]] {
        let iso = ISO8601DateFormatter()
        return findings.map { f in
            [String(f.assetId), f.assetName, f.library, f.findingClass.rawValue, f.license?.rawValue ?? "",
             f.expiresAt.map(iso.string) ?? "", f.status.rawValue, f.detail]
        }
    }

    /// "Audited 120 assets, 7 with findings: 2 expired, 1 expiring, …".
    public var summaryLine: String {
        let counts = LicenseFindingClass.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
        return "Audited \(assetsAudited) assets, \(assetsWithFindings) with findings: \(counts)."
    }

    /// The process exit status for cron and CI: 1 when a class of `failOn` has findings, else 0.
    public func exitStatus(failOn: Set<LicenseFindingClass>) -> Int32 {
        failing(on: failOn).isEmpty ? 0 : 1
    }
}

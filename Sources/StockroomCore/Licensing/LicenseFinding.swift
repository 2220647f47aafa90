import Foundation

/// One problem found on one asset.
public struct LicenseFinding: Codable, Sendable, Equatable {
    public var assetId: Int64
    public var assetName: String
    public var library: String
    public var findingClass: LicenseFindingClass
    public var license: LicenseType?
    public var expiresAt: Date?
    public var status: AssetStatus
    /// A sentence for people: "expired 2026-10-01", "EDITORIAL_ONLY in PUBLIC library press".
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case assetId, assetName, library, findingClass = "class", license, expiresAt, status, detail
    }
}

/// A kind of rights problem the audit reports. Raw values are the names `--fail-on` takes and
/// the `class` field of JSON/CSV output.
public enum LicenseFindingClass: String, Codable, Sendable, CaseIterable {
    /// The license end date has passed and the asset is not yet withdrawn (status is not EXPIRED).
    case expired
    /// The license ends within the audit window.
    case expiring
    /// No license recorded, or license UNKNOWN.
    case unknown
    /// No copyright holder recorded.
    case missingCopyright = "missing-copyright"
    /// EDITORIAL_ONLY or INTERNAL_ONLY, yet in a PUBLIC library or reachable through an active share link.
    case restrictedExposed = "restricted-exposed"
    /// License expired, yet still reachable through an active share link.
    case expiredShared = "expired-shared"
}

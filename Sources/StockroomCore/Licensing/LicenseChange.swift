import Foundation

/// The license fields `license set` writes; `nil` fields are left as they are.
public struct LicenseChange: Sendable, Equatable {
    public var license: LicenseType
    public var expiresAt: Date?
    public var copyrightHolder: String?
    public var usageRights: String?
    public var details: JSONValue?

    public init(license: LicenseType, expiresAt: Date? = nil, copyrightHolder: String? = nil,
                usageRights: String? = nil, details: JSONValue? = nil) {
        self.license = license
        self.expiresAt = expiresAt
        self.copyrightHolder = copyrightHolder
        self.usageRights = usageRights
        self.details = details
    }
}

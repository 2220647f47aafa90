import Foundation

/// A top-level container of assets: "Brand Assets", "Stock Photos", "Client Deliverables".
public struct Library: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var name: String
    public var slug: String
    public var description: String?
    public var libraryType: LibraryType
    public var visibility: LibraryVisibility
    public var coverAssetId: Int64?
    public var clientId: String?
    public var settings: LibrarySettings
    /// Name of the pipeline definition in `Pipelines/` this library renders with; `nil` means `default`.
    public var pipeline: String?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: String = Organization.defaultId, name: String, slug: String,
        description: String? = nil, libraryType: LibraryType = .general,
        visibility: LibraryVisibility = .internal, settings: LibrarySettings = LibrarySettings(),
        pipeline: String? = nil, createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.organizationId = organizationId
        self.name = name
        self.slug = slug
        self.description = description
        self.libraryType = libraryType
        self.visibility = visibility
        self.settings = settings
        self.pipeline = pipeline
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
    }
}

public enum LibraryType: String, Codable, Sendable, CaseIterable {
    case general = "GENERAL", brand = "BRAND", stock = "STOCK", client = "CLIENT"
    case project = "PROJECT", archive = "ARCHIVE"
}

public enum LibraryVisibility: String, Codable, Sendable, CaseIterable {
    case `internal` = "INTERNAL", client = "CLIENT", `public` = "PUBLIC"
}

/// Per-library rules applied at ingest.
public struct LibrarySettings: Codable, Sendable, Equatable {
    /// MIME patterns such as `image/*`; empty means everything the media engine accepts.
    public var allowedFileTypes: [String]
    public var maxFileSize: Int64?
    public var namingConvention: String?
    public var autoTagging: Bool
    public var requireApproval: Bool

    public init(
        allowedFileTypes: [String] = [], maxFileSize: Int64? = nil, namingConvention: String? = nil,
        autoTagging: Bool = true, requireApproval: Bool = false
    ) {
        self.allowedFileTypes = allowedFileTypes
        self.maxFileSize = maxFileSize
        self.namingConvention = namingConvention
        self.autoTagging = autoTagging
        self.requireApproval = requireApproval
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allowedFileTypes = try c.decodeIfPresent([String].self, forKey: .allowedFileTypes) ?? []
        maxFileSize = try c.decodeIfPresent(Int64.self, forKey: .maxFileSize)
        namingConvention = try c.decodeIfPresent(String.self, forKey: .namingConvention)
        autoTagging = try c.decodeIfPresent(Bool.self, forKey: .autoTagging) ?? true
        requireApproval = try c.decodeIfPresent(Bool.self, forKey: .requireApproval) ?? false
    }

    /// Whether a MIME type passes `allowedFileTypes` (`image/*` style patterns).
    public func allows(mimeType: String) -> Bool {
        guard !allowedFileTypes.isEmpty else { return true }
        return allowedFileTypes.contains { pattern in
            if pattern.hasSuffix("/*") { return mimeType.hasPrefix(pattern.dropLast(1)) }
            return pattern.caseInsensitiveCompare(mimeType) == .orderedSame
        }
    }
}

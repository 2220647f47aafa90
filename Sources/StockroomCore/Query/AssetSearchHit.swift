import Foundation

/// One asset in search results: what a table row or a JSON consumer needs, without the
/// metadata document.
public struct AssetSearchHit: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var library: String
    /// Folder path, `nil` at the library root.
    public var folder: String?
    public var assetType: AssetType
    public var status: AssetStatus
    public var license: LicenseType?
    public var expiresAt: Date?
    public var copyrightHolder: String?
    public var width: Int?
    public var height: Int?
    public var durationSeconds: Double?
    public var capturedAt: Date?
    public var byteSize: Int64?
    public var pageCount: Int?
    public var wordCount: Int?
    public var layerCount: Int?
    public var tags: [String]
}

/// A page of search results and how many assets matched in all.
public struct AssetSearchPage: Codable, Sendable, Equatable {
    public var query: String
    public var total: Int
    public var assets: [AssetSearchHit]
}

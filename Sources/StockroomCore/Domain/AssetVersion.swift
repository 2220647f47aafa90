import Foundation

/// One state of an asset's bytes. Exactly one version per asset is current.
public struct AssetVersion: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var assetId: Int64
    public var versionNumber: Int
    public var blobHash: String
    public var byteSize: Int64
    public var mimeType: String
    public var originalFilename: String
    public var changeType: VersionChangeType
    public var changeNote: String?
    public var diffMetadata: JSONValue?
    public var isCurrent: Bool
    public var createdBy: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, assetId: Int64, versionNumber: Int, blobHash: String, byteSize: Int64,
        mimeType: String, originalFilename: String, changeType: VersionChangeType, changeNote: String? = nil,
        isCurrent: Bool = true, createdBy: String = Actor.system.name, now: Date = Date()
    ) {
        self.id = id
        self.assetId = assetId
        self.versionNumber = versionNumber
        self.blobHash = blobHash
        self.byteSize = byteSize
        self.mimeType = mimeType
        self.originalFilename = originalFilename
        self.changeType = changeType
        self.changeNote = changeNote
        self.isCurrent = isCurrent
        self.createdBy = createdBy
        self.createdAt = now
    }
}

public enum VersionChangeType: String, Codable, Sendable, CaseIterable {
    case initial = "INITIAL", update = "UPDATE", revision = "REVISION", restore = "RESTORE", autoSave = "AUTO_SAVE"
}

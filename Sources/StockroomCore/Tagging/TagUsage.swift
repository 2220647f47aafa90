/// A tag with the number of assets carrying it.
public struct TagUsage: Codable, Sendable, Equatable {
    public var name: String
    public var normalized: String
    public var assetCount: Int
}

/// What `tag rename` did.
public struct TagRenameReport: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    /// Tags (the tag and its descendants) given a new name.
    public var renamed: Int
    /// Tags folded into an existing tag of the new name.
    public var merged: Int
    /// Assets carrying any of the affected tags.
    public var assets: Int
}

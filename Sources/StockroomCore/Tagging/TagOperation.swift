/// How a bulk tag command changes each selected asset's tags.
public enum TagOperation: String, Codable, Sendable, CaseIterable {
    /// Adds the tags, keeping the others.
    case add
    /// Removes exactly these tags (not their descendants).
    case remove
    /// Makes the asset's tags exactly these.
    case set
}

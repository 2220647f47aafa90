/// What a bulk command did (or, in a dry run, would do).
public struct BulkChangeReport: Codable, Sendable, Equatable {
    /// A changed asset shown as an example.
    public struct Sample: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
    }

    /// The query text, or "N listed ids".
    public var selection: String
    public var dryRun: Bool
    /// Assets the selection matched.
    public var matched: Int
    /// Assets whose data changed (or would change): the rest already were as requested.
    public var changed: Int
    /// Up to `sampleSize` of the changed assets, by id.
    public var sample: [Sample]

    public static let sampleSize = 10
}

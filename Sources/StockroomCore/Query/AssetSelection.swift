/// Which assets a bulk command acts on: those matching a query, or an explicit list of ids
/// (`--ids-from FILE`).
public enum AssetSelection: Sendable, Equatable {
    case query(AssetQuery)
    case ids([Int64])

    /// How the selection reads in the activity log and in reports.
    public var summary: String {
        switch self {
        case let .query(query): query.text.isEmpty ? "all assets" : query.text
        case let .ids(ids): "\(ids.count) listed ids"
        }
    }
}

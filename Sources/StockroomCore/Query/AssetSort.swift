/// Result order of a search: a field, ascending unless written with a leading `-`.
public struct AssetSort: Equatable, Sendable {
    public enum Field: String, Sendable, CaseIterable {
        case id, name, captured, created, updated, expires, width, height, duration, size, status, type

        var column: String {
            switch self {
            case .id: "asset.id"
            case .name: "asset.name COLLATE NOCASE"
            case .captured: "asset.capturedAt"
            case .created: "asset.createdAt"
            case .updated: "asset.updatedAt"
            case .expires: "asset.expiresAt"
            case .width: "asset.width"
            case .height: "asset.height"
            case .duration: "asset.durationSeconds"
            case .size: "asset.byteSize"
            case .status: "asset.status"
            case .type: "asset.assetType"
            }
        }
    }

    public var field: Field
    public var descending: Bool

    public init(field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// Parses `name`, `-captured`.
    public init?(parsing text: String) {
        let descending = text.hasPrefix("-")
        guard let field = Field(rawValue: String(descending ? text.dropFirst() : Substring(text)).lowercased()) else { return nil }
        self.init(field: field, descending: descending)
    }

    public static let byId = AssetSort(field: .id)

    /// `ORDER BY` text; the id breaks ties so pages are stable. Built only from the enum above.
    var orderBy: String {
        let direction = descending ? " DESC" : ""
        return field == .id ? "asset.id\(direction)" : "\(field.column)\(direction), asset.id"
    }
}

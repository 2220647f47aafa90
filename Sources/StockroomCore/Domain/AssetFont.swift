import Foundation

/// A font family an asset is (a font file's own family) or uses (the fonts a PDF embeds, an
/// Office file's font table, a Photoshop file's type layers), for `font:` queries.
public struct AssetFont: Codable, Sendable, Equatable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// The asset is a font of this family.
        case face = "FACE"
        /// The asset's content is set in this font.
        case used = "USED"
    }

    public var family: String
    public var role: Role

    public init(family: String, role: Role) {
        self.family = family
        self.role = role
    }

    /// Case-folded with spaces removed, for matching: "DejaVu Sans" and a PDF's "DejaVuSans-Bold"
    /// both contain "dejavusans".
    public var normalized: String { Self.normalize(family) }

    public static func normalize(_ family: String) -> String {
        family.lowercased().filter { !$0.isWhitespace }
    }
}

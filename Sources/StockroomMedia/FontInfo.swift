import Foundation

/// A font file's faces, names and coverage, read through FreeType.
public struct FontInfo: Sendable, Codable, Equatable {
    /// "truetype", "opentype" (CFF outlines), "woff", "woff2", "collection".
    public var container: String
    public var family: String
    public var style: String
    public var fullName: String?
    public var postScriptName: String?
    /// OS/2 usWeightClass: 100 (thin) … 400 (regular) … 900 (black).
    public var weight: Int?
    public var isItalic: Bool
    public var isMonospaced: Bool
    /// A variable font (OpenType font variations).
    public var isVariable: Bool
    /// The name table's version string ("Version 2.37").
    public var version: String?
    public var glyphCount: Int
    /// Characters the cmap maps (code points with a glyph).
    public var characterCount: Int
    /// Unicode scripts with a meaningful share of their letters covered: "Latin", "Greek", "Cyrillic"…
    public var scripts: [String]
    /// Faces in a collection (TTC); 1 otherwise. The other fields describe the first face.
    public var faceCount: Int
    public var designer: String?
    public var manufacturer: String?
    public var copyright: String?
    public var trademark: String?
    /// The licence description (name ID 13) and its URL (ID 14).
    public var license: String?
    public var licenseURL: String?

    public init(container: String, family: String, style: String, isItalic: Bool, isMonospaced: Bool, isVariable: Bool,
                glyphCount: Int, characterCount: Int, scripts: [String], faceCount: Int) {
        self.container = container
        self.family = family
        self.style = style
        self.isItalic = isItalic
        self.isMonospaced = isMonospaced
        self.isVariable = isVariable
        self.glyphCount = glyphCount
        self.characterCount = characterCount
        self.scripts = scripts
        self.faceCount = faceCount
    }
}

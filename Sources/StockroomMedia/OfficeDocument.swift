import Foundation

/// What `OfficeReader` found in an Office Open XML or OpenDocument file.
struct OfficeDocument: Sendable {
    /// "docx", "pptx", "xlsx", "odt", "odp", "ods" (templates and macro-enabled files keep the
    /// family's name and set `document.isTemplate`).
    var format: String
    var mimeType: String
    var kind: Kind
    var document: DocumentInfo
    /// The embedded preview (JPEG or PNG), if there is one.
    var thumbnail: Data?
    var extract: TextExtract?

    enum Kind: String, Sendable {
        case wordProcessing, presentation, spreadsheet
    }
}

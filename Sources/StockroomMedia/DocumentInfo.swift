import Foundation

/// What a document says about itself: PDF (and PDF-compatible Illustrator files), Office and
/// OpenDocument files, plain text and Markdown. Counts are what the engine read, within the
/// limits of `DocumentLimits` (`textTruncated` says when it stopped early).
public struct DocumentInfo: Sendable, Codable, Equatable {
    /// Pages: a PDF's pages, or what a word processor recorded (`docProps/app.xml`, `meta.xml`).
    public var pageCount: Int?
    /// Slides of a presentation (PPTX, ODP).
    public var slideCount: Int?
    /// Sheets of a spreadsheet (XLSX, ODS).
    public var sheetCount: Int?
    /// Words and characters of the text the engine read (whitespace-separated runs; characters
    /// without whitespace are not counted apart).
    public var wordCount: Int?
    public var characterCount: Int?
    /// Lines of a text file.
    public var lineCount: Int?
    public var title: String?
    public var author: String?
    public var subject: String?
    public var keywords: [String] = []
    /// The application that made the document ("Microsoft Word", "LaTeX with hyperref").
    public var creatorTool: String?
    /// The library that wrote the file, where it differs (PDF producer: "pdfTeX-1.40.23").
    public var producer: String?
    public var createdAt: Date?
    public var modifiedAt: Date?
    /// The first page's size in points (1/72 inch): PDF media box, Word section, slide size.
    public var pageWidth: Double?
    public var pageHeight: Double?
    /// The file is encrypted (a PDF with an /Encrypt dictionary).
    public var encrypted: Bool = false
    /// False when the content cannot be read without a password: metadata only, no preview, no text.
    public var contentReadable: Bool = true
    /// Fonts the document names (PDF fonts without their subset prefix, Office font tables).
    public var fonts: [String] = []
    /// Text files: "utf-8", "utf-16le", "utf-16be", "windows-1252".
    public var textEncoding: String?
    /// PDF version from the header ("1.7").
    public var formatVersion: String?
    /// Office templates (.dotx, .potx, .ott…).
    public var isTemplate: Bool = false
    /// Whether the file carries its own preview image (Office `docProps/thumbnail.*`,
    /// OpenDocument `Thumbnails/thumbnail.png`).
    public var hasEmbeddedThumbnail: Bool = false
    /// Counting stopped at a limit: words and the extract cover only the first part.
    public var textTruncated: Bool = false

    public init() {}
}

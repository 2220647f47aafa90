import Foundation
import StockroomMedia

/// The rules that sort documents and logos into the spec's asset types (Docs/schema.md):
///
/// - DOC_PRESENTATION: PPTX/ODP, and PDFs made by a presentation program (PowerPoint, Keynote,
///   Impress, Google Slides, LaTeX Beamer) or whose first page is a 16:9 landscape slide.
/// - DOC_REPORT: spreadsheets (XLSX/ODS), and PDFs or word-processing files of at least
///   `reportPages` pages or `reportWords` words.
/// - DOC_BRIEF: PDFs and word-processing files whose title says "brief".
/// - DOC_COPY: everything shorter, and every plain-text or Markdown file.
/// - DESIGN_TEMPLATE: Office and OpenDocument templates (.dotx, .potx, .xltx, .ott…).
/// - IMAGE_LOGO: SVG, and PNG/WebP/GIF with transparency, no camera, at most
///   `logoMaxEdge` pixels on the long side and not a square icon of 256 pixels or less.
enum DocumentClassification {
    static let reportPages = 10
    static let reportWords = 2500
    static let logoMaxEdge = 1024
    static let presentationTools = ["powerpoint", "keynote", "impress", "google slides", "beamer"]

    static func documentType(_ media: MediaDescription) -> AssetType {
        guard let document = media.document else { return .docCopy }
        if document.isTemplate { return .designTemplate }
        switch media.format {
        case "pptx", "odp": return .docPresentation
        case "xlsx", "ods": return .docReport
        case "text", "markdown": return .docCopy
        default: break
        }
        let tool = [document.creatorTool, document.producer].compactMap { $0?.lowercased() }.joined(separator: " ")
        if presentationTools.contains(where: tool.contains) { return .docPresentation }
        if media.format == "pdf", let width = document.pageWidth, let height = document.pageHeight, height > 0,
           abs(width / height - 16.0 / 9.0) < 0.02 {
            return .docPresentation
        }
        if let title = document.title?.lowercased(), title.range(of: #"\bbrief\b"#, options: .regularExpression) != nil {
            return .docBrief
        }
        if (document.pageCount ?? 0) >= reportPages || (document.wordCount ?? 0) >= reportWords { return .docReport }
        return .docCopy
    }

    static func isLogo(_ media: MediaDescription) -> Bool {
        if media.format == "svg" { return true }
        guard ["png", "webp", "gif"].contains(media.format), let image = media.image, image.hasAlpha, image.pageCount <= 1 else {
            return false
        }
        let longest = max(image.width, image.height)
        let isIcon = image.width == image.height && longest <= 256
        return longest <= logoMaxEdge && !isIcon
    }
}

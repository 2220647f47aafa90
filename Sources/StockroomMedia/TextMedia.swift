import Foundation

/// Plain text and Markdown copy: decoded by `PlainTextReader`, counted, indexed, and shown as a
/// text card.
enum TextMedia {
    static func read(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> (PlainTextReader.Text, truncated: Bool) {
        let bytes = try FileBytes.map(path)
        let limit = configuration.documentLimits.maxTextFileBytes
        let head = bytes.count > limit ? bytes.prefix(limit) : bytes
        switch PlainTextReader.read(head) {
        case let .text(text): return (text, bytes.count > limit)
        case .delimitedData: throw .unsupportedFormat("delimited data (CSV/TSV) is not a document Stockroom catalogues")
        case .notText: throw .unsupportedFormat("not a format Stockroom accepts")
        }
    }

    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let (text, truncated) = try read(path: path, configuration: configuration)
        var description = text.isMarkdown
            ? MediaDescription(kind: .document, format: "markdown", mimeType: "text/markdown")
            : MediaDescription(kind: .document, format: "text", mimeType: "text/plain")
        var document = DocumentInfo()
        let statistics = TextStatistics.of(text.text)
        document.wordCount = statistics.words
        document.characterCount = statistics.characters
        document.lineCount = statistics.lines
        document.textEncoding = text.encoding
        document.title = text.title
        document.textTruncated = truncated
        description.document = document
        var extract = TextExtract.bounded(text.text, limit: configuration.documentLimits.maxTextExtractBytes)
        extract.truncated = extract.truncated || truncated
        description.textExtract = extract
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let (text, _) = try read(path: path, configuration: configuration)
        // The first lines only: the card shows what fits.
        let opening = String(text.text.prefix(TextCard.maxBodyCharacters * 2))
        let card = try TextCard.render(title: text.title, text: opening, shape: .page,
                                       label: text.isMarkdown ? "MARKDOWN" : "TEXT", markdown: text.isMarkdown, deadline: deadline)
        return try RenditionPlan(base: card).render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

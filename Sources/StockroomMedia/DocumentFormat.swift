import Foundation

/// Files the engine reads with its own parsers (or poppler and FreeType) rather than a libvips
/// image loader or libavformat, recognised by content.
enum DocumentFormat: Equatable {
    case pdf, svg, postScript, photoshop, office, font, text

    /// Signatures in the first bytes. PDF and SVG are found by libvips' own sniffers (see
    /// `LibMediaEngine.identify`); text is only tried after everything else.
    static func bySignature(_ head: Data) -> DocumentFormat? {
        if head.starts(with: Array("8BPS".utf8)) { return .photoshop }
        if OfficeReader.looksLikeZIP(head) { return .office }
        if FontDescriber.container(of: head) != nil { return .font }
        if PostScriptReader.isPostScript(head) { return .postScript }
        return nil
    }

    /// Whether the bytes decode as plain text or Markdown (delimited data included, so that it
    /// is refused with its own reason).
    static func isText(_ head: Data) -> Bool {
        PlainTextReader.read(head) != .notText
    }
}

/// Describing and rendering the formats of `DocumentFormat`.
enum DocumentMedia {
    static func describe(_ format: DocumentFormat, path: String, configuration: MediaEngineConfiguration,
                         deadline: Deadline) throws(MediaError) -> MediaDescription {
        var description: MediaDescription
        switch format {
        case .pdf: description = try PDFMedia.describe(path: path, configuration: configuration, deadline: deadline)
        case .svg: description = try SVGMedia.describe(path: path, configuration: configuration)
        case .postScript: description = try PostScriptMedia.describe(path: path, configuration: configuration)
        case .photoshop: description = try PhotoshopMedia.describe(path: path, configuration: configuration)
        case .office: description = try OfficeMedia.describe(path: path, configuration: configuration, deadline: deadline)
        case .font: description = try FontMedia.describe(path: path, configuration: configuration)
        case .text: description = try TextMedia.describe(path: path, configuration: configuration)
        }
        try deadline.check()
        if let extract = description.textExtract {
            // The extract crosses process boundaries and lands in the index: bounded here once more.
            let limit = configuration.documentLimits.maxTextExtractBytes
            let bounded = TextExtract.bounded(extract.text, limit: limit)
            description.textExtract = bounded.text.isEmpty ? nil : TextExtract(text: bounded.text, truncated: extract.truncated || bounded.truncated)
        }
        return description
    }

    static func render(_ format: DocumentFormat, path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        switch format {
        case .pdf: try PDFMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .svg: try SVGMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .postScript:
            try PostScriptMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .photoshop:
            try PhotoshopMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .office: try OfficeMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .font: try FontMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        case .text: try TextMedia.render(path: path, description: description, recipes: recipes, configuration: configuration, deadline: deadline)
        }
    }
}

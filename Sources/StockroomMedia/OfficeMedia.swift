import Foundation

/// Office and OpenDocument files: described by `OfficeReader`; the embedded thumbnail is the
/// visual when there is one, else a text card with the title and the first lines.
enum OfficeMedia {
    static func read(path: String, configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> OfficeDocument {
        try OfficeReader.read(fileAt: URL(fileURLWithPath: path), limits: configuration.documentLimits, deadline: deadline)
    }

    static func describe(path: String, configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> MediaDescription {
        let office = try read(path: path, configuration: configuration, deadline: deadline)
        var description = MediaDescription(kind: .document, format: office.format, mimeType: office.mimeType)
        description.document = office.document
        description.textExtract = office.extract
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let office = try read(path: path, configuration: configuration, deadline: deadline)
        var source: VisualSource?
        if let thumbnail = office.thumbnail {
            source = try? EmbeddedPreview.visual(thumbnail, recipes: recipes, configuration: configuration, deadline: deadline)
        }
        if source == nil {
            let shape: TextCard.Shape = office.kind == .presentation ? .slide : .page
            source = try TextCard.render(title: office.document.title, text: office.extract?.text ?? "", shape: shape,
                                         label: office.format.uppercased(), deadline: deadline)
        }
        return try RenditionPlan(base: source!).render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

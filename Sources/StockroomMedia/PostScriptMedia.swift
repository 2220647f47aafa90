import Foundation

/// EPS and PostScript Illustrator files: catalogued from their comments, shown through the
/// embedded TIFF preview when there is one; otherwise every rendition reports why there is none.
enum PostScriptMedia {
    static let noPreview = "no preview: PostScript is not rendered (no Ghostscript on untrusted input) and the file has no embedded TIFF preview"

    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let eps = try PostScriptReader.read(try FileBytes.map(path))
        var description = MediaDescription(kind: .design, format: eps.isIllustrator ? "ai" : "eps",
                                           mimeType: eps.isIllustrator ? "application/illustrator" : "application/postscript")
        let box = eps.boundingBox ?? [0, 0, 0, 0]
        var design = DesignInfo(width: Int((box[2] - box[0]).rounded()), height: Int((box[3] - box[1]).rounded()))
        design.application = eps.creator
        design.title = eps.title
        design.hasThumbnail = eps.tiffPreview != nil
        description.design = design
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let eps = try PostScriptReader.read(try FileBytes.map(path))
        guard let preview = eps.tiffPreview else {
            return recipes.map { .failed(name: $0.name, reason: noPreview) }
        }
        let source = try EmbeddedPreview.visual(preview, recipes: recipes, configuration: configuration, deadline: deadline)
        return try RenditionPlan(base: source).render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

import Foundation

/// TrueType, OpenType, WOFF and WOFF2 fonts (and the first face of a collection).
enum FontMedia {
    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let bytes = try FileBytes.map(path, limit: configuration.documentLimits.maxFontBytes, what: "font")
        let font = try FontDescriber.describe(bytes, limits: configuration.documentLimits)
        var description = MediaDescription(kind: .font, format: FontDescriber.format(container: font.container),
                                           mimeType: FontDescriber.mimeType(container: font.container))
        description.font = font
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let bytes = try FileBytes.map(path, limit: configuration.documentLimits.maxFontBytes, what: "font")
        let info: FontInfo
        if let known = description.font { info = known } else { info = try FontDescriber.describe(bytes, limits: configuration.documentLimits) }
        let specimen = try FontSpecimen.render(bytes, info: info, deadline: deadline)
        return try RenditionPlan(base: specimen).render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }
}

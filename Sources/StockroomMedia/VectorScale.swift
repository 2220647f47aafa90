import Foundation

/// The scale at which a vector source (a PDF page, an SVG drawing) is rasterized: large enough
/// for the largest recipe, so renditions are cut from pixels at their own size rather than
/// enlarged, and bounded by a longest edge, a resolution and the pixel limit.
enum VectorScale {
    /// `intrinsic` is the size at scale 1 (points for PDF, CSS pixels for SVG).
    static func forRecipes(_ recipes: [RenditionRecipe], intrinsic: (width: Double, height: Double), maxScale: Double,
                           maxEdge: Int, maxPixels: Int) -> Double {
        let width = max(intrinsic.width, 1e-3)
        let height = max(intrinsic.height, 1e-3)
        var scale = 0.0
        for recipe in recipes {
            let box = RenditionGeometry.box(of: recipe)
            let fitX = Double(box.width) / width
            let fitY = Double(box.height) / height
            scale = max(scale, recipe.fit == .inside ? min(fitX, fitY) : max(fitX, fitY))
        }
        scale = min(scale, maxScale, Double(maxEdge) / max(width, height))
        let area = width * height * scale * scale
        if area > Double(maxPixels) { scale *= (Double(maxPixels) / area).squareRoot() }
        // At least one pixel on the short side.
        return max(scale, 1 / min(width, height))
    }
}

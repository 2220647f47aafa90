import Testing
@testable import StockroomMedia

@Suite("Rendition geometry")
struct RenditionGeometryTests {
    let landscape = PixelSize(width: 1800, height: 1200)

    @Test func insideNeverUpscales() {
        #expect(RenditionGeometry.inside(source: landscape, box: PixelSize(width: 600, height: 600)) == PixelSize(width: 600, height: 400))
        #expect(RenditionGeometry.inside(source: landscape, box: PixelSize(width: 4000, height: 4000)) == landscape)
    }

    @Test func coverKeepsTheExactAspectRatio() {
        #expect(RenditionGeometry.cover(source: landscape, box: PixelSize(width: 1080, height: 1080)) == PixelSize(width: 1080, height: 1080))
        #expect(RenditionGeometry.cover(source: landscape, box: PixelSize(width: 1080, height: 1920)) == PixelSize(width: 675, height: 1200))
        #expect(RenditionGeometry.cover(source: PixelSize(width: 100, height: 100), box: PixelSize(width: 1080, height: 1080)) == PixelSize(width: 100, height: 100))
    }

    @Test func oneDecodeSizeServesTheLargestRecipe() {
        let recipes = [
            RenditionRecipe(name: "A", width: 250),
            RenditionRecipe(name: "B", width: 1080, height: 1080, fit: .cover),
        ]
        // The square needs the 1200-high source scaled by 0.9.
        let scale = RenditionGeometry.decodeScale(source: landscape, recipes: recipes)
        #expect(abs(scale - 0.9) < 1e-9)
        let box = RenditionGeometry.decodeBox(source: landscape, scale: scale)
        #expect(box.width >= 1620 && box.height >= 1080)
    }
}

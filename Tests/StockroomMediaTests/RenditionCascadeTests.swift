import Testing
@testable import StockroomMedia

@Suite("Rendition cascade")
struct RenditionCascadeTests {
    let recipes = RenditionQualityTests.defaultRecipes
    let camera = PixelSize(width: 6000, height: 4000)

    private func index(_ name: String) -> Int {
        recipes.firstIndex { $0.name == name }!
    }

    private func source(_ name: String) -> RenditionCascade.Source {
        name == "decode" ? .decode : .rendition(index(name))
    }

    @Test("each rendition is made from the next larger one, the crops last")
    func defaultPipelineOnA24MPPhoto() {
        let cascade = RenditionCascade(decoded: PixelSize(width: 3000, height: 2000), source: camera, recipes: recipes)
        let plan = cascade.steps.map { step in
            (recipes[step.recipe].name, "\(step.target.width)×\(step.target.height)", step.source)
        }
        let expected: [(String, String, RenditionCascade.Source)] = [
            ("WEB_OPTIMIZED", "2048×1365", source("decode")),
            ("PREVIEW", "1600×1067", source("WEB_OPTIMIZED")),
            ("WATERMARKED", "1200×800", source("PREVIEW")),
            ("LOW_RES", "800×533", source("WATERMARKED")),
            ("THUMBNAIL_LARGE", "600×400", source("LOW_RES")),
            ("THUMBNAIL_MEDIUM", "300×200", source("THUMBNAIL_LARGE")),
            ("THUMBNAIL_SMALL", "150×100", source("THUMBNAIL_MEDIUM")),
            ("SOCIAL_STORY", "1080×1920", source("decode")),
            ("SOCIAL_SQUARE", "1080×1080", source("WEB_OPTIMIZED")),
        ]
        #expect(plan.count == expected.count)
        for (step, wanted) in zip(plan, expected) {
            #expect(step.0 == wanted.0 && step.1 == wanted.1 && step.2 == wanted.2, "\(step) vs \(wanted)")
        }
        let story = cascade.steps[7]
        #expect(story.covering == PixelSize(width: 2880, height: 1920))
        // Both crops are placed on the 600 px thumbnail, the smallest image at least 256 px high.
        #expect(cascade.steps[7].probe == source("THUMBNAIL_LARGE"))
        #expect(cascade.steps[8].probe == source("THUMBNAIL_LARGE"))
        #expect(cascade.steps[8].covering == PixelSize(width: 1620, height: 1080))
        // An image is released after the last step that reads it; the smallest is read by none.
        #expect(cascade.releases[8] == [index("WEB_OPTIMIZED"), index("THUMBNAIL_LARGE")].sorted())
        #expect(cascade.releases[1] == [])
        #expect(!cascade.isRead(index("THUMBNAIL_SMALL")))
        #expect(cascade.isRead(index("PREVIEW")))
    }

    @Test("a small picture is probed at its largest; centre and entropy crops need no probe")
    func smallPicturesAndCentreCrops() {
        let small = [
            RenditionRecipe(name: "THUMB", width: 150),
            RenditionRecipe(name: "SQUARE", width: 120, height: 120, fit: .cover, crop: .attention),
            RenditionRecipe(name: "CENTRE", width: 100, height: 50, fit: .cover, crop: .centre),
            RenditionRecipe(name: "ENTROPY", width: 90, height: 90, fit: .cover, crop: .entropy),
        ]
        let cascade = RenditionCascade(decoded: PixelSize(width: 200, height: 180), source: PixelSize(width: 200, height: 180), recipes: small)
        #expect(cascade.steps.map(\.recipe) == [0, 1, 2, 3])
        #expect(cascade.steps[1].probe == .decode)
        #expect(cascade.steps[2].probe == nil)
        #expect(cascade.steps[3].probe == nil)
        #expect(cascade.steps[1].source == .rendition(0))
    }

    @Test("equal sizes reuse the image already made")
    func duplicateSizes() {
        let twins = [RenditionRecipe(name: "A", width: 800), RenditionRecipe(name: "B", width: 800, format: .webp)]
        let cascade = RenditionCascade(decoded: PixelSize(width: 1500, height: 1000), source: PixelSize(width: 3000, height: 2000), recipes: twins)
        #expect(cascade.steps.map(\.source) == [.decode, .rendition(0)])
    }

    @Test("JPEGs decode at the smallest DCT scale that serves the recipes")
    func jpegShrink() {
        let scale = RenditionGeometry.decodeScale(source: camera, recipes: recipes)
        #expect(RenditionGeometry.jpegShrink(source: camera, scale: scale) == 2)
        // The grid thumbnails alone: 1/8, 750 × 500.
        let grid = recipes.filter { ["THUMBNAIL_SMALL", "THUMBNAIL_MEDIUM"].contains($0.name) }
        #expect(RenditionGeometry.jpegShrink(source: camera, scale: RenditionGeometry.decodeScale(source: camera, recipes: grid)) == 8)
        let huge = PixelSize(width: 12240, height: 8160)
        #expect(RenditionGeometry.jpegShrink(source: huge, scale: RenditionGeometry.decodeScale(source: huge, recipes: recipes)) == 4)
        // 4200 px wide: the story needs 1920 of 2800 rows, more than half.
        let medium = PixelSize(width: 4200, height: 2800)
        #expect(RenditionGeometry.jpegShrink(source: medium, scale: RenditionGeometry.decodeScale(source: medium, recipes: recipes)) == 1)
        // Never by more than the shorter side (libvips aborts on a 1 × 1 JPEG shrunk by 8).
        for (width, height, shrink) in [(1, 1, 1), (3, 3, 2), (1, 900, 1), (5, 4000, 4), (9, 9, 8)] {
            let tiny = PixelSize(width: width, height: height)
            #expect(RenditionGeometry.jpegShrink(source: tiny, scale: 1.0 / 64) == shrink, "\(width)×\(height)")
        }
    }

    @Test("an attention point on the probe lands where the covering image would put it")
    func attentionPointScaling() {
        // libvips reports cell 17 of 32 on a 600 px probe as 318 (17 × 600 / 32 = 318.75).
        #expect(CropWindow.point(318, across: 600, scaledTo: 1620) == 860)
        #expect(CropWindow.point(0, across: 600, scaledTo: 1620) == 0)
        #expect(CropWindow.point(100, across: 1600, scaledTo: 3200) == 200)
        // Probes narrower than the grid scale linearly.
        #expect(CropWindow.point(10, across: 20, scaledTo: 100) == 50)
    }
}

import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// The cascade (each rendition resampled from the next larger one, JPEGs decoded at a DCT scale,
/// crops found on a small probe) against the renditions the engine made before it
/// (`ReferenceRenditions`), decoded and compared sample by sample (0–255), for every recipe of
/// Pipelines/default.yml. Bounds held, as mean absolute difference:
/// - lossless (the same recipes as PNG: the resampling alone): ≤ 1.5 for `.inside`, ≤ 3.0 for
///   crops; and at least 85 % of the reference's high-frequency energy, so a cheaper kernel
///   cannot slip in (linear loses 23–46 %, Mitchell 26–44 %, cubic 6–21 % on the corpus photo);
/// - as delivered (JPEG, WebP): ≤ 2.5 for `.inside`, ≤ 3.0 for crops — two encodings of nearly
///   equal pixels differ by up to the quantisation noise, ~2 at 150 px and quality 80. The
///   reference encodes WEB_OPTIMIZED at WebP effort 4, as the pipeline did, so the change to
///   effort 2 is measured too (2.37 on the corpus photo, whose pixels are otherwise identical).
/// Measured (Docs/performance.md, "Render stage"): lossless ≤ 1.26 inside and ≤ 2.87 for the
/// story crop of the 24 MP picture (its 6 px line pattern decoded by libjpeg at 1/2 instead of
/// reduced from full size); sharpness −12…+20 %, the lowest where the reference's box pre-shrink
/// aliases the lines of the 150 px thumbnail (the cascade is closer to a plain Lanczos-3 resample
/// of the full picture there: 0.74 vs 1.06).
@Suite("Rendition quality against the pre-cascade renditions")
struct RenditionQualityTests {
    static let losslessInsideBound = 1.5
    static let losslessCoverBound = 3.0
    static let deliveredInsideBound = 2.5
    static let deliveredCoverBound = 3.0
    static let sharpnessFloor = 0.85

    /// Pipelines/default.yml's renditions.
    static let defaultRecipes: [RenditionRecipe] = [
        RenditionRecipe(name: "THUMBNAIL_SMALL", width: 150, quality: 80),
        RenditionRecipe(name: "THUMBNAIL_MEDIUM", width: 300, quality: 80),
        RenditionRecipe(name: "THUMBNAIL_LARGE", width: 600, quality: 82),
        RenditionRecipe(name: "PREVIEW", width: 1600, quality: 85),
        RenditionRecipe(name: "WEB_OPTIMIZED", width: 2048, format: .webp, quality: 80, effort: 2),
        RenditionRecipe(name: "SOCIAL_SQUARE", width: 1080, height: 1080, fit: .cover, crop: .attention, quality: 85),
        RenditionRecipe(name: "SOCIAL_STORY", width: 1080, height: 1920, fit: .cover, crop: .attention, quality: 85),
        RenditionRecipe(name: "WATERMARKED", width: 1200, quality: 80,
                        watermark: Watermark(text: "© PROOF — NOT FOR PUBLICATION", opacity: 0.35, position: .center, scale: 0.6)),
        RenditionRecipe(name: "LOW_RES", width: 800, quality: 60),
    ]

    /// The same recipes as the pipeline had them before: WebP at libvips' default effort (4).
    static func previous(_ recipes: [RenditionRecipe]) -> [RenditionRecipe] {
        recipes.map { recipe in
            var previous = recipe
            previous.effort = nil
            return previous
        }
    }

    enum Picture: String, CaseIterable, CustomTestStringConvertible {
        /// 6000 × 4000 camera JPEG: decoded at 1/2, the story cut from the decode.
        case camera24MP
        /// A real 1800 × 1200 photo (decoded at full size; the 2048 px rendition is the decode).
        case corpusPhoto
        /// 2400 × 1600 PNG: no DCT scaling, decoded by libvips' thumbnail as before.
        case png

        var testDescription: String { rawValue }

        var path: String {
            switch self {
            case .camera24MP: Self.generated.camera
            case .corpusPhoto: Corpus.file("images/orientation-landscape-1.jpg").path
            case .png: Self.generated.png
            }
        }

        private static let directory = TemporaryDirectory()
        private static let generated: (camera: String, png: String) = {
            let camera = directory.file("camera-24mp.jpg")
            let png = directory.file("poster.png")
            try! TestPhoto.jpeg(width: 6000, height: 4000, seed: 7, subject: (0.72, 0.38)).write(to: camera)
            try! TestPhoto.png(width: 2400, height: 1600, seed: 11, subject: (0.25, 0.6)).write(to: png)
            return (camera.path, png.path)
        }()
    }

    /// How the renditions are compared: as delivered (JPEG and WebP, so the two encodings'
    /// quantisation differs too), or as lossless PNGs of the same recipes, which measures the
    /// resampling alone.
    enum Encoding: String, CaseIterable, CustomTestStringConvertible {
        case delivered, lossless
        var testDescription: String { rawValue }

        var recipes: [RenditionRecipe] {
            switch self {
            case .delivered: RenditionQualityTests.defaultRecipes
            case .lossless: RenditionQualityTests.defaultRecipes.map { recipe in
                var lossless = recipe
                lossless.format = .png
                lossless.effort = nil
                return lossless
            }
            }
        }

        /// Largest mean absolute difference allowed for `.inside` and `.cover` renditions.
        var bounds: (inside: Double, cover: Double) {
            switch self {
            case .delivered: (RenditionQualityTests.deliveredInsideBound, RenditionQualityTests.deliveredCoverBound)
            case .lossless: (RenditionQualityTests.losslessInsideBound, RenditionQualityTests.losslessCoverBound)
            }
        }
    }

    @Test("every default rendition stays within the bound of the reference", arguments: Picture.allCases, Encoding.allCases)
    func staysCloseToTheReference(_ picture: Picture, _ encoding: Encoding) throws {
        let engine = try LibMediaEngine()
        let recipes = encoding.recipes
        let url = URL(fileURLWithPath: picture.path)
        let description = try engine.describe(fileAt: url, sidecar: nil)
        let reference = try ReferenceRenditions.render(fileAt: picture.path, recipes: Self.previous(recipes))
        let outcomes = try engine.render(fileAt: url, description: description, recipes: recipes)
        var report: [String] = []
        for (recipe, outcome) in zip(recipes, outcomes) {
            guard case let .rendered(image) = outcome else {
                Issue.record("\(recipe.name) failed: \(outcome)")
                continue
            }
            let new = try RenditionPixels(image.data)
            let old = try RenditionPixels(try #require(reference[recipe.name]))
            try #require(new.width == old.width && new.height == old.height, "\(recipe.name): \(new.width)×\(new.height) vs \(old.width)×\(old.height)")
            let difference = try new.meanAbsoluteDifference(to: old)
            let sharpness = try new.highFrequencyEnergy() / old.highFrequencyEnergy()
            let bound = recipe.fit == .cover ? encoding.bounds.cover : encoding.bounds.inside
            #expect(difference <= bound, "\(picture) \(encoding) \(recipe.name): mean absolute difference \(difference) > \(bound)")
            if encoding == .lossless {
                #expect(sharpness >= Self.sharpnessFloor, "\(picture) \(recipe.name): high-frequency energy \(sharpness) of the reference")
            }
            report.append("\(recipe.name) \(String(format: "%.2f", difference)) \(String(format: "%+.1f%%", 100 * (sharpness - 1)))")
        }
        print("rendition quality \(picture) \(encoding): " + report.joined(separator: ", "))
    }

    @Test("the grid thumbnails alone decode a 24 MP JPEG at 1/8 and keep the bound")
    func gridThumbnailsAlone() throws {
        let grid = Self.defaultRecipes.filter { ["THUMBNAIL_SMALL", "THUMBNAIL_MEDIUM"].contains($0.name) }
        let path = Picture.camera24MP.path
        let file = try ImageFile(path: path, loaderFormat: "jpeg", configuration: MediaEngineConfiguration())
        let source = try VisualSource.image(file, recipes: grid, deadline: Deadline(seconds: 120))
        #expect(source.base.width == 750 && source.base.height == 500)
        let engine = try LibMediaEngine()
        let url = URL(fileURLWithPath: path)
        let outcomes = try engine.render(fileAt: url, description: try engine.describe(fileAt: url, sidecar: nil), recipes: grid)
        let reference = try ReferenceRenditions.render(fileAt: path, recipes: Self.previous(grid))
        for (recipe, outcome) in zip(grid, outcomes) {
            guard case let .rendered(image) = outcome else {
                Issue.record("\(recipe.name) failed: \(outcome)")
                continue
            }
            let difference = try RenditionPixels(image.data).meanAbsoluteDifference(to: RenditionPixels(try #require(reference[recipe.name])))
            #expect(difference <= Self.deliveredInsideBound, "\(recipe.name): \(difference)")
        }
    }

    /// Entropy crops are searched on the covering image, as before (on a small probe they moved
    /// by 5–40). The generated 24 MP picture is left out: its grain makes the slices' entropies
    /// near-ties, and the story's window jumps with the slightest change of pixels.
    @Test("entropy crops keep the reference's window", arguments: [Picture.corpusPhoto, .png])
    func entropyCrops(_ picture: Picture) throws {
        let recipes = [
            RenditionRecipe(name: "SQUARE", width: 1080, height: 1080, fit: .cover, crop: .entropy, format: .png),
            RenditionRecipe(name: "STORY", width: 1080, height: 1920, fit: .cover, crop: .entropy, format: .png),
            RenditionRecipe(name: "BANNER", width: 800, height: 200, fit: .cover, crop: .entropy, format: .png),
        ]
        let engine = try LibMediaEngine()
        let url = URL(fileURLWithPath: picture.path)
        let outcomes = try engine.render(fileAt: url, description: try engine.describe(fileAt: url, sidecar: nil), recipes: recipes)
        let reference = try ReferenceRenditions.render(fileAt: picture.path, recipes: recipes)
        for (recipe, outcome) in zip(recipes, outcomes) {
            guard case let .rendered(image) = outcome else {
                Issue.record("\(recipe.name) failed: \(outcome)")
                continue
            }
            let difference = try RenditionPixels(image.data).meanAbsoluteDifference(to: RenditionPixels(try #require(reference[recipe.name])))
            #expect(difference <= Self.losslessCoverBound, "\(picture) \(recipe.name): \(difference)")
        }
    }
}

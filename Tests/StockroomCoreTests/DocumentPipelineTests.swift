import Foundation
import Testing
@testable import StockroomCore
import StockroomMedia

@Suite("Pipeline recipes for documents")
struct DocumentPipelineTests {
    @Test func pagesIsARecipeFieldFromOneToSixteen() throws {
        let definition = try PipelineDefinition.parse(yaml: "name: x\nrenditions:\n  PREVIEW: {size: 800, pages: 6}", file: "x.yml")
        #expect(definition.recipes[.preview]?.pages == 6)
        for bad in ["0", "17", "two"] {
            #expect(throws: PipelineDefinitionError.self) {
                _ = try PipelineDefinition.parse(yaml: "name: x\nrenditions:\n  PREVIEW: {size: 800, pages: \(bad)}", file: "x.yml")
            }
        }
        // A sheet is a different output: its own recipe hash. No `pages` keeps the old hash.
        let sheet = try #require(definition.recipes[.preview])
        var single = sheet
        single.pages = nil
        #expect(PipelineDefinition.recipeHash(sheet) != PipelineDefinition.recipeHash(single))
        #expect(PipelineDefinition.recipeHash(single) == PipelineDefinition.recipeHash(RenditionRecipe(name: "PREVIEW", width: 800, height: 800)))
    }

    @Test func theDefaultPreviewShowsFourPages() throws {
        let definition = try PipelineDirectory.load(Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"))
        #expect(definition.recipes[.preview]?.pages == 4)
        #expect(definition.recipes[.thumbnailLarge]?.pages == nil)
    }

    @Test func classificationRules() {
        func type(_ format: String, kind: MediaKind = .document, _ edit: (inout DocumentInfo) -> Void) -> AssetType {
            var media = MediaDescription(kind: kind, format: format, mimeType: "x")
            var document = DocumentInfo()
            edit(&document)
            media.document = document
            return AssetDraft.classify(media)
        }
        #expect(type("pdf") { $0.pageCount = 9; $0.wordCount = 2499 } == .docCopy)
        #expect(type("pdf") { $0.pageCount = 10 } == .docReport)
        #expect(type("docx") { $0.wordCount = 2500 } == .docReport)
        #expect(type("pdf") { $0.creatorTool = "Microsoft® PowerPoint® for Microsoft 365" } == .docPresentation)
        #expect(type("pdf") { $0.producer = "LaTeX with Beamer class" } == .docPresentation)
        #expect(type("pdf") { $0.pageWidth = 1280; $0.pageHeight = 720 } == .docPresentation)
        #expect(type("odt") { $0.title = "Creative brief: spring" } == .docBrief)
        #expect(type("odt") { $0.title = "Briefcase catalogue" } == .docCopy)
        #expect(type("markdown") { $0.pageCount = 40; $0.title = "Brief" } == .docCopy)
        #expect(type("xlsx") { _ in } == .docReport)
        #expect(type("pptx") { _ in } == .docPresentation)
        #expect(type("potx") { $0.isTemplate = true } == .designTemplate)
        #expect(type("psd", kind: .design) { _ in } == .designSource)
        func image(_ format: String, width: Int, height: Int, alpha: Bool) -> AssetType {
            var media = MediaDescription(kind: .image, format: format, mimeType: "x")
            media.image = ImageInfo(width: width, height: height, bands: alpha ? 4 : 3, bitDepth: 8, colorSpace: "srgb", iccProfileName: nil,
                                    hasAlpha: alpha, pageCount: 1, orientation: 1, format: format)
            return AssetDraft.classify(media)
        }
        #expect(image("svg", width: 4000, height: 100, alpha: true) == .imageLogo)
        #expect(image("png", width: 512, height: 512, alpha: true) == .imageLogo)
        #expect(image("png", width: 256, height: 256, alpha: true) == .imageIcon)
        #expect(image("png", width: 2000, height: 1500, alpha: true) == .imageGraphic)
        #expect(image("png", width: 512, height: 200, alpha: false) == .imageGraphic)
    }
}

import Foundation
import Testing
@testable import StockroomCore
import StockroomMedia

@Suite("Pipeline definitions")
struct PipelineDefinitionTests {

    @Test("the shipped default pipeline loads with the DAM spec's rendition set")
    func defaultLoads() throws {
        let definition = try PipelineDirectory.load(Fixtures.repoRoot.appendingPathComponent("Pipelines/default.yml"))
        #expect(definition.name == "default")
        #expect(definition.stages == [.store, .extract, .version, .render])
        #expect(Set(definition.recipes.keys) == Set(RenditionType.allCases).subtracting([.previewVideo, .waveform, .previewAudio]))
        let small = try #require(definition.recipes[.thumbnailSmall])
        #expect(small.width == 150 && small.fit == .inside)
        let square = try #require(definition.recipes[.socialSquare])
        #expect(square.width == 1080 && square.height == 1080 && square.fit == .cover && square.crop == .attention)
        let story = try #require(definition.recipes[.socialStory])
        #expect(story.width * 16 == story.height! * 9)
        #expect(definition.recipes[.webOptimized]?.format == .webp)
        #expect(definition.recipes[.watermarked]?.watermark?.text != nil)
        #expect(definition.videoProxy == VideoProxyRecipe(maxHeight: 720, durationSeconds: 10, videoBitrateKbps: 2_000, audioBitrateKbps: 128))
        // Stockroom's audio additions, with the defaults the recipe types have.
        #expect(definition.waveform == WaveformRecipe())
        #expect(definition.audioProxy == AudioProxyRecipe(durationSeconds: nil, bitrateKbps: 128))
    }

    @Test("WAVEFORM takes a size, colours and png or webp; PREVIEW_AUDIO a duration and a bitrate; each hash follows its fields")
    func audioRecipes() throws {
        func parse(_ type: String, _ recipe: String) throws(PipelineDefinitionError) -> PipelineDefinition {
            try PipelineDefinition.parse(yaml: "name: a\nrenditions:\n  \(type): \(recipe)\n", file: "a.yml")
        }
        let drawn = try parse("WAVEFORM", ##"{width: 800, height: 100, colour: "#FF0000", rmsColour: "#00ff0080", background: "#00000000", format: webp}"##)
        #expect(drawn.waveform == WaveformRecipe(width: 800, height: 100, colour: RGBAColour(red: 255, green: 0, blue: 0),
                                                 rmsColour: RGBAColour(red: 0, green: 255, blue: 0, alpha: 128),
                                                 background: RGBAColour(red: 0, green: 0, blue: 0, alpha: 0), format: .webp))
        #expect(drawn.recipes.isEmpty && drawn.audioProxy == nil)
        let waveforms = try ["{}", "{width: 600}", "{height: 120}", ##"{colour: "#000000"}"##, ##"{background: "#ffffff"}"##, "{format: webp}"]
            .map { text throws(PipelineDefinitionError) in PipelineDefinition.recipeHash(try parse("WAVEFORM", text).waveform!) }
        #expect(Set(waveforms).count == waveforms.count)
        #expect(try parse("PREVIEW_AUDIO", "{duration: 30, bitrate: 96k}").audioProxy == AudioProxyRecipe(durationSeconds: 30, bitrateKbps: 96))
        let proxies = try ["{}", "{duration: 30}", "{bitrate: 64k}"]
            .map { text throws(PipelineDefinitionError) in PipelineDefinition.recipeHash(try parse("PREVIEW_AUDIO", text).audioProxy!) }
        #expect(Set(proxies).count == proxies.count)
        for (type, bad, field) in [("WAVEFORM", "{width: 10}", "width"), ("WAVEFORM", "{colour: red}", "colour"),
                                   ("WAVEFORM", "{format: jpeg}", "format"), ("WAVEFORM", "{size: 300}", "size"),
                                   ("PREVIEW_AUDIO", "{bitrate: 8k}", "bitrate"), ("PREVIEW_AUDIO", "{duration: never}", "duration")] {
            #expect(throws: PipelineDefinitionError.self, "\(bad)") { try parse(type, bad) }
            do { _ = try parse(type, bad) } catch { #expect(error.field == "renditions.\(type).\(field)", "\(error)") }
        }
    }

    @Test("PREVIEW_VIDEO takes a height, a duration or full, and bitrates; its hash follows them")
    func previewVideoRecipe() throws {
        func parse(_ recipe: String) throws(PipelineDefinitionError) -> PipelineDefinition {
            try PipelineDefinition.parse(yaml: "name: v\nrenditions:\n  PREVIEW_VIDEO: \(recipe)\n", file: "v.yml")
        }
        let full = try parse("{maxHeight: 480, duration: full, videoBitrate: 2.5M, audioBitrate: 96}")
        #expect(full.videoProxy == VideoProxyRecipe(maxHeight: 480, durationSeconds: nil, videoBitrateKbps: 2_500, audioBitrateKbps: 96))
        #expect(try parse("{}").videoProxy == VideoProxyRecipe())
        let hashes = try ["{}", "{maxHeight: 480}", "{duration: 5}", "{duration: full}", "{videoBitrate: 1000k}", "{audioBitrate: 64k}"]
            .map { text throws(PipelineDefinitionError) in PipelineDefinition.recipeHash(try parse(text).videoProxy!) }
        #expect(Set(hashes).count == hashes.count)
        #expect(PipelineDefinition.recipeHash(try parse("{maxHeight: 720, duration: 10}").videoProxy!) == hashes[0])
        for (bad, field) in [("{maxHeight: 100}", "maxHeight"), ("{duration: -1}", "duration"), ("{duration: forever}", "duration"),
                             ("{videoBitrate: 50k}", "videoBitrate"), ("{audioBitrate: loud}", "audioBitrate"), ("{size: 300}", "size")] {
            #expect(throws: PipelineDefinitionError.self, "\(bad)") { try parse(bad) }
            do { _ = try parse(bad) } catch { #expect(error.field.contains(field), "\(bad): \(error)") }
        }
    }

    @Test("bad definitions are rejected naming the file, the field and the reason")
    func badDefinitions() {
        func error(_ yaml: String) -> PipelineDefinitionError? {
            do { _ = try PipelineDefinition.parse(yaml: yaml, file: "brand.yml"); return nil } catch { return error }
        }
        #expect(error("name: x\nrenditions:\n  THUMBNAIL_HUGE: {size: 10}") ==
                PipelineDefinitionError(file: "brand.yml", field: "renditions.THUMBNAIL_HUGE",
                                        reason: "unknown rendition type; expected one of \(RenditionType.allCases.map(\.rawValue).joined(separator: ", "))"))
        #expect(error("name: x\nrenditions:\n  PREVIEW: {size: 0}")?.field == "renditions.PREVIEW.size")
        #expect(error("name: x\nrenditions:\n  PREVIEW: {size: 100, quality: 101}")?.field == "renditions.PREVIEW.quality")
        #expect(error("name: x\nrenditions:\n  SOCIAL_SQUARE: {width: 100, fit: cover}")?.reason == "fit: cover needs both `width` and `height`")
        #expect(error("name: x\nrenditions:\n  PREVIEW: {size: 100, fromat: webp}")?.field == "renditions.PREVIEW.fromat")
        #expect(error("name: x\nstages: [extract, store]\nrenditions:\n  PREVIEW: {size: 1}")?.field == "stages")
        #expect(error("name: x\nlimits: {maxPixels: -5}\nrenditions:\n  PREVIEW: {size: 1}")?.field == "limits.maxPixels")
        #expect(error("renditions: {}")?.field == "name")
        #expect(error("name: [unclosed")?.field == "(document)")
        #expect(error("name: x\nrenditions:\n  WATERMARKED: {size: 100, watermark: {opacity: 0.5}}")?.reason == "needs `text` or `logo`")
        #expect(error("name: x\nrenditions:\n  PREVIEW: {size: 100, effort: 2}")?.reason == "jpeg has no effort setting (webp 0–6, avif 0–9)")
        #expect(error("name: x\nrenditions:\n  WEB_OPTIMIZED: {size: 100, format: webp, effort: 7}")?.reason == "expected a whole number from 0 to 6 for webp")
        #expect(error("name: x\nrenditions:\n  WEB_OPTIMIZED: {size: 100, format: webp, effort: 1}") == nil)
        #expect(error("name: x\nrenditions:\n  WEB_OPTIMIZED: {size: 100, format: webp, progressive: true}")?.reason
            == "only JPEG renditions can be progressive")
        #expect(error("name: x\nrenditions:\n  PREVIEW: {size: 100, progressive: often}")?.reason == "expected true or false")
        #expect(error("name: x\nstages: [store, extract, version]") == nil)
    }

    @Test("a recipe's hash changes exactly when the recipe changes")
    func recipeHash() throws {
        let a = RenditionRecipe(name: "PREVIEW", width: 1600)
        var b = a
        #expect(PipelineDefinition.recipeHash(a) == PipelineDefinition.recipeHash(b))
        b.quality = 70
        #expect(PipelineDefinition.recipeHash(a) != PipelineDefinition.recipeHash(b))
        b = a
        b.watermark = Watermark(text: "x")
        #expect(PipelineDefinition.recipeHash(a) != PipelineDefinition.recipeHash(b))
        b = a
        b.effort = 2
        #expect(PipelineDefinition.recipeHash(a) != PipelineDefinition.recipeHash(b))
        // An unset effort is not encoded: recipes written before it existed keep their hashes.
        #expect(!String(decoding: try JSONEncoder().encode(a), as: UTF8.self).contains("effort"))
    }

    @Test("`progressive: true` makes a JPEG recipe progressive and changes its hash; false is the default and keeps it")
    func progressiveKey() throws {
        func preview(_ extra: String) throws -> RenditionRecipe {
            try #require(try PipelineDefinition.parse(yaml: "name: x\nrenditions:\n  PREVIEW: {size: 1600\(extra)}\n", file: "x.yml")
                .recipes[.preview])
        }
        let plain = try preview("")
        let baseline = try preview(", progressive: false")
        let progressive = try preview(", progressive: true")
        #expect(plain.progressive == nil && baseline.progressive == nil && progressive.progressive == true)
        #expect(PipelineDefinition.recipeHash(plain) == PipelineDefinition.recipeHash(baseline))
        #expect(PipelineDefinition.recipeHash(plain) != PipelineDefinition.recipeHash(progressive))
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("progressive"))
    }
}

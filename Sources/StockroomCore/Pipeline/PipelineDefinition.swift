import Crypto
import Foundation
import StockroomMedia
import Yams

/// A pipeline as users write it in `Pipelines/*.yml`: the stages to run, the media limits, and
/// one recipe per rendition type.
public struct PipelineDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var stages: [PipelineStage]
    public var maxPixels: Int
    public var timeLimitSeconds: Double
    public var recipes: [RenditionType: RenditionRecipe]
    /// The PREVIEW_VIDEO recipe (`renditions.PREVIEW_VIDEO`): video assets only.
    public var videoProxy: VideoProxyRecipe? = nil
    /// The WAVEFORM recipe (`renditions.WAVEFORM`): audio assets only.
    public var waveform: WaveformRecipe? = nil
    /// The PREVIEW_AUDIO recipe (`renditions.PREVIEW_AUDIO`): audio assets only.
    public var audioProxy: AudioProxyRecipe? = nil
    /// The renditions a grid of assets shows (a recipe's `grid:`; by default THUMBNAIL_SMALL and
    /// THUMBNAIL_MEDIUM). A new file's render stage makes these first; the rest of its renditions
    /// follow once every file queued before has its grid thumbnails. Scheduling only: not part of
    /// a recipe's hash.
    public var gridTypes: Set<RenditionType> = PipelineDefinition.defaultGridTypes

    public static let defaultGridTypes: Set<RenditionType> = [.thumbnailSmall, .thumbnailMedium]

    public var rendersRenditions: Bool { stages.contains(.render) }

    /// Recipes in a stable order (the order of `RenditionType.allCases`).
    public var orderedRecipes: [(RenditionType, RenditionRecipe)] {
        RenditionType.allCases.compactMap { type in recipes[type].map { (type, $0) } }
    }

    /// Identifies a recipe's output: any change to size, crop, format, quality, effort, progressive
    /// or watermark changes it (an unset effort or progressive is left out, so older recipes keep
    /// their hashes).
    public static func recipeHash(_ recipe: RenditionRecipe) -> String {
        hash(of: recipe)
    }

    /// The PREVIEW_VIDEO recipe's hash: any change to height, duration or bitrates changes it.
    public static func recipeHash(_ recipe: VideoProxyRecipe) -> String {
        hash(of: recipe)
    }

    /// The WAVEFORM recipe's hash: any change to size, colours or format changes it.
    public static func recipeHash(_ recipe: WaveformRecipe) -> String {
        hash(of: recipe)
    }

    /// The PREVIEW_AUDIO recipe's hash: a changed duration or bitrate changes it.
    public static func recipeHash(_ recipe: AudioProxyRecipe) -> String {
        hash(of: recipe)
    }

    private static func hash(of recipe: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(recipe)) ?? Data()
        return SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    public var mediaConfiguration: MediaEngineConfiguration {
        MediaEngineConfiguration(maxPixels: maxPixels, timeLimitSeconds: timeLimitSeconds)
    }
}

/// A pipeline file that cannot be used, naming the file, the field and the reason.
public struct PipelineDefinitionError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var reason: String

    public var description: String { "\(file): \(field): \(reason)" }
}

extension PipelineDefinition {
    /// Parses and validates a definition. Unknown keys are errors: a typo must not silently
    /// fall back to a default.
    public static func parse(yaml text: String, file: String) throws(PipelineDefinitionError) -> PipelineDefinition {
        func fail(_ field: String, _ reason: String) -> PipelineDefinitionError {
            PipelineDefinitionError(file: file, field: field, reason: reason)
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw fail("(document)", "not valid YAML: \(error)")
        }
        guard let root = loaded as? [String: Any] else { throw fail("(document)", "expected a mapping at the top level") }
        try checkKeys(root, allowed: ["name", "description", "stages", "limits", "keepCopyright", "renditions"], at: "", fail: fail)

        guard let name = root["name"] as? String, !name.isEmpty else { throw fail("name", "required, a non-empty string") }
        let description = root["description"] as? String

        var stages: [PipelineStage] = [.store, .extract, .version, .render]
        if let raw = root["stages"] {
            guard let list = raw as? [String] else { throw fail("stages", "expected a list such as [store, extract, version, render]") }
            stages = try list.enumerated().map { i, item throws(PipelineDefinitionError) in
                guard let stage = PipelineStage(rawValue: item.uppercased()) else {
                    throw fail("stages[\(i)]", "unknown stage \"\(item)\"; expected store, extract, version or render")
                }
                return stage
            }
            let required: [PipelineStage] = [.store, .extract, .version]
            guard Array(stages.prefix(3)) == required, stages.count <= 4 else {
                throw fail("stages", "must be store, extract, version, optionally followed by render")
            }
        }

        var maxPixels = 200_000_000
        var timeLimit = 120.0
        if let raw = root["limits"] {
            guard let limits = raw as? [String: Any] else { throw fail("limits", "expected a mapping") }
            try checkKeys(limits, allowed: ["maxPixels", "timeLimitSeconds"], at: "limits.", fail: fail)
            if let v = limits["maxPixels"] {
                guard let n = v as? Int, n > 0 else { throw fail("limits.maxPixels", "expected a positive whole number") }
                maxPixels = n
            }
            if let v = limits["timeLimitSeconds"] {
                guard let n = number(v), n > 0 else { throw fail("limits.timeLimitSeconds", "expected a positive number") }
                timeLimit = n
            }
        }

        var keepCopyright = true
        if let v = root["keepCopyright"] {
            guard let b = v as? Bool else { throw fail("keepCopyright", "expected true or false") }
            keepCopyright = b
        }

        var recipes: [RenditionType: RenditionRecipe] = [:]
        var videoProxy: VideoProxyRecipe?
        var waveform: WaveformRecipe?
        var audioProxy: AudioProxyRecipe?
        var gridTypes: Set<RenditionType> = []
        if let raw = root["renditions"] {
            guard let map = raw as? [String: Any] else { throw fail("renditions", "expected a mapping of rendition type to recipe") }
            for (key, value) in map {
                let field = "renditions.\(key)"
                guard let type = RenditionType(rawValue: key) else {
                    throw fail(field, "unknown rendition type; expected one of \(RenditionType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard var spec = value as? [String: Any] else { throw fail(field, "expected a mapping") }
                var grid = defaultGridTypes.contains(type)
                if let v = spec.removeValue(forKey: "grid") {
                    guard let b = v as? Bool else { throw fail("\(field).grid", "expected true or false") }
                    grid = b
                }
                if grid { gridTypes.insert(type) }
                if type == .previewVideo {
                    videoProxy = try self.videoProxy(spec, field: field, fail: fail)
                    continue
                }
                if type == .waveform {
                    waveform = try self.waveform(spec, field: field, fail: fail)
                    continue
                }
                if type == .previewAudio {
                    audioProxy = try self.audioProxy(spec, field: field, fail: fail)
                    continue
                }
                recipes[type] = try recipe(type: type, spec, keepCopyright: keepCopyright, field: field, fail: fail)
            }
        }
        if stages.contains(.render) && recipes.isEmpty && videoProxy == nil && waveform == nil && audioProxy == nil {
            throw fail("renditions", "the render stage is on but no renditions are defined")
        }
        return PipelineDefinition(name: name, description: description, stages: stages, maxPixels: maxPixels,
                                  timeLimitSeconds: timeLimit, recipes: recipes, videoProxy: videoProxy,
                                  waveform: waveform, audioProxy: audioProxy, gridTypes: gridTypes)
    }

    /// `WAVEFORM: {width: 1200, height: 240, colour: "#8da9ff", rmsColour: "#3d63dd", background: "#f3f4f7", format: png}`.
    private static func waveform(_ spec: [String: Any], field: String,
                                 fail: (String, String) -> PipelineDefinitionError) throws(PipelineDefinitionError) -> WaveformRecipe {
        try checkKeys(spec, allowed: ["width", "height", "colour", "rmsColour", "background", "format", "quality"], at: field + ".", fail: fail)
        var recipe = WaveformRecipe()
        if let v = spec["width"] {
            guard let n = v as? Int, WaveformRecipe.widths.contains(n) else {
                throw fail("\(field).width", "expected a whole number of pixels from \(WaveformRecipe.widths.lowerBound) to \(WaveformRecipe.widths.upperBound)")
            }
            recipe.width = n
        }
        if let v = spec["height"] {
            guard let n = v as? Int, WaveformRecipe.heights.contains(n) else {
                throw fail("\(field).height", "expected a whole number of pixels from \(WaveformRecipe.heights.lowerBound) to \(WaveformRecipe.heights.upperBound)")
            }
            recipe.height = n
        }
        for key in ["colour", "rmsColour", "background"] {
            guard let v = spec[key] else { continue }
            guard let text = v as? String, let colour = RGBAColour(hex: text) else {
                throw fail("\(field).\(key)", "expected a colour written #rrggbb or #rrggbbaa (quoted in YAML)")
            }
            switch key {
            case "colour": recipe.colour = colour
            case "rmsColour": recipe.rmsColour = colour
            default: recipe.background = colour
            }
        }
        if let v = spec["format"] {
            guard let text = v as? String, let format = RenditionRecipe.ImageFormat(rawValue: text.lowercased()),
                  WaveformRecipe.formats.contains(format) else {
                throw fail("\(field).format", "expected png or webp")
            }
            recipe.format = format
        }
        if let v = spec["quality"] {
            guard let q = v as? Int, (1...100).contains(q) else { throw fail("\(field).quality", "expected a whole number from 1 to 100") }
            recipe.quality = q
        }
        return recipe
    }

    /// `PREVIEW_AUDIO: {duration: full | 30, bitrate: 128k}`.
    private static func audioProxy(_ spec: [String: Any], field: String,
                                   fail: (String, String) -> PipelineDefinitionError) throws(PipelineDefinitionError) -> AudioProxyRecipe {
        try checkKeys(spec, allowed: ["duration", "bitrate"], at: field + ".", fail: fail)
        var recipe = AudioProxyRecipe()
        if let v = spec["duration"] {
            if let text = v as? String, text.lowercased() == "full" {
                recipe.durationSeconds = nil
            } else if let n = number(v), n > 0, n <= 86_400 {
                recipe.durationSeconds = n
            } else {
                throw fail("\(field).duration", "expected seconds from the start (above 0) or full")
            }
        }
        if let v = spec["bitrate"] {
            var value: Int?
            if let n = v as? Int { value = n }
            if let text = v as? String {
                let trimmed = text.lowercased().trimmingCharacters(in: .whitespaces)
                value = trimmed.hasSuffix("k") ? Int(trimmed.dropLast()) : Int(trimmed)
            }
            guard let value, AudioProxyRecipe.bitrates.contains(value) else {
                throw fail("\(field).bitrate", "expected kbit/s from \(AudioProxyRecipe.bitrates.lowerBound)k to \(AudioProxyRecipe.bitrates.upperBound)k (e.g. 128k)")
            }
            recipe.bitrateKbps = value
        }
        return recipe
    }

    /// `PREVIEW_VIDEO: {maxHeight: 720, duration: 10 | full, videoBitrate: 2000k, audioBitrate: 128k}`.
    private static func videoProxy(_ spec: [String: Any], field: String,
                                   fail: (String, String) -> PipelineDefinitionError) throws(PipelineDefinitionError) -> VideoProxyRecipe {
        try checkKeys(spec, allowed: ["maxHeight", "duration", "videoBitrate", "audioBitrate"], at: field + ".", fail: fail)
        var recipe = VideoProxyRecipe()
        if let v = spec["maxHeight"] {
            guard let n = v as? Int, VideoProxyRecipe.maxHeights.contains(n) else {
                throw fail("\(field).maxHeight", "expected a whole number of pixels from \(VideoProxyRecipe.maxHeights.lowerBound) to \(VideoProxyRecipe.maxHeights.upperBound)")
            }
            recipe.maxHeight = n
        }
        if let v = spec["duration"] {
            if let text = v as? String, text.lowercased() == "full" {
                recipe.durationSeconds = nil
            } else if let n = number(v), n > 0, n <= 86_400 {
                recipe.durationSeconds = n
            } else {
                throw fail("\(field).duration", "expected seconds from the start (above 0) or full")
            }
        }
        func kilobits(_ key: String, _ range: ClosedRange<Int>) throws(PipelineDefinitionError) -> Int? {
            guard let v = spec[key] else { return nil }
            var value: Int?
            if let n = v as? Int { value = n }
            if let text = v as? String {
                let trimmed = text.lowercased().trimmingCharacters(in: .whitespaces)
                if trimmed.hasSuffix("m"), let n = Double(trimmed.dropLast()) { value = Int((n * 1000).rounded()) }
                else if trimmed.hasSuffix("k") { value = Int(trimmed.dropLast()) }
                else { value = Int(trimmed) }
            }
            guard let value, range.contains(value) else {
                throw fail("\(field).\(key)", "expected kbit/s from \(range.lowerBound)k to \(range.upperBound)k (e.g. 2000k or 2.5M)")
            }
            return value
        }
        if let n = try kilobits("videoBitrate", VideoProxyRecipe.videoBitrates) { recipe.videoBitrateKbps = n }
        if let n = try kilobits("audioBitrate", VideoProxyRecipe.audioBitrates) { recipe.audioBitrateKbps = n }
        return recipe
    }

    private static func recipe(
        type: RenditionType, _ spec: [String: Any], keepCopyright: Bool, field: String,
        fail: (String, String) -> PipelineDefinitionError
    ) throws(PipelineDefinitionError) -> RenditionRecipe {
        try checkKeys(spec, allowed: ["size", "width", "height", "fit", "crop", "format", "quality", "effort", "progressive", "watermark",
                                      "keepCopyright", "pages", "grid"],
                      at: field + ".", fail: fail)
        func positive(_ key: String) throws(PipelineDefinitionError) -> Int? {
            guard let v = spec[key] else { return nil }
            guard let n = v as? Int, n > 0, n <= 16384 else { throw fail("\(field).\(key)", "expected a whole number of pixels from 1 to 16384") }
            return n
        }
        let size = try positive("size")
        let width = try positive("width")
        let height = try positive("height")
        var fit = RenditionRecipe.Fit.inside
        if let v = spec["fit"] {
            guard let s = v as? String, let f = RenditionRecipe.Fit(rawValue: s) else { throw fail("\(field).fit", "expected inside or cover") }
            fit = f
        }
        var crop = RenditionRecipe.CropStrategy.attention
        if let v = spec["crop"] {
            guard let s = v as? String, let c = RenditionRecipe.CropStrategy(rawValue: s) else {
                throw fail("\(field).crop", "expected attention, entropy or centre")
            }
            crop = c
        }
        var format = RenditionRecipe.ImageFormat.jpeg
        if let v = spec["format"] {
            guard let s = v as? String, let f = RenditionRecipe.ImageFormat(rawValue: s.lowercased() == "jpg" ? "jpeg" : s.lowercased()) else {
                throw fail("\(field).format", "expected one of \(RenditionRecipe.ImageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            format = f
        }
        var quality = 82
        if let v = spec["quality"] {
            guard let q = v as? Int, (1...100).contains(q) else { throw fail("\(field).quality", "expected a whole number from 1 to 100") }
            quality = q
        }
        var effort: Int?
        if let v = spec["effort"] {
            guard let efforts = format.efforts else {
                throw fail("\(field).effort", "\(format.rawValue) has no effort setting (webp 0–6, avif 0–9)")
            }
            guard let e = v as? Int, efforts.contains(e) else {
                throw fail("\(field).effort", "expected a whole number from \(efforts.lowerBound) to \(efforts.upperBound) for \(format.rawValue)")
            }
            effort = e
        }
        var progressive: Bool?
        if let v = spec["progressive"] {
            guard format == .jpeg else { throw fail("\(field).progressive", "only JPEG renditions can be progressive") }
            guard let b = v as? Bool else { throw fail("\(field).progressive", "expected true or false") }
            // false is the default: left out, so the recipe keeps its hash.
            progressive = b ? true : nil
        }
        var keep = keepCopyright
        if let v = spec["keepCopyright"] {
            guard let b = v as? Bool else { throw fail("\(field).keepCopyright", "expected true or false") }
            keep = b
        }
        let boxWidth: Int
        let boxHeight: Int?
        switch fit {
        case .inside:
            guard let w = size ?? width else { throw fail(field, "needs `size` (longest edge) or `width`") }
            boxWidth = w
            boxHeight = height ?? size
        case .cover:
            guard let w = width, let h = height else { throw fail(field, "fit: cover needs both `width` and `height`") }
            boxWidth = w
            boxHeight = h
        }
        var watermark: Watermark?
        if let v = spec["watermark"] {
            watermark = try Self.watermark(v, field: "\(field).watermark", fail: fail)
        }
        var pages: Int?
        if let v = spec["pages"] {
            guard let n = v as? Int, (1...16).contains(n) else { throw fail("\(field).pages", "expected a whole number of pages from 1 to 16") }
            pages = n
        }
        return RenditionRecipe(name: type.rawValue, width: boxWidth, height: boxHeight, fit: fit, crop: crop, format: format,
                               quality: quality, effort: effort, progressive: progressive, keepCopyright: keep, watermark: watermark, pages: pages)
    }

    private static func watermark(_ value: Any, field: String, fail: (String, String) -> PipelineDefinitionError) throws(PipelineDefinitionError) -> Watermark {
        guard let spec = value as? [String: Any] else { throw fail(field, "expected a mapping with text or logo") }
        try checkKeys(spec, allowed: ["text", "logo", "opacity", "position", "scale"], at: field + ".", fail: fail)
        var mark = Watermark(text: spec["text"] as? String, logoPath: spec["logo"] as? String)
        guard mark.text != nil || mark.logoPath != nil else { throw fail(field, "needs `text` or `logo`") }
        if let v = spec["opacity"] {
            guard let n = number(v), (0...1).contains(n) else { throw fail("\(field).opacity", "expected a number from 0 to 1") }
            mark.opacity = n
        }
        if let v = spec["scale"] {
            guard let n = number(v), n > 0, n <= 1 else { throw fail("\(field).scale", "expected a number above 0, at most 1") }
            mark.scale = n
        }
        if let v = spec["position"] {
            guard let s = v as? String, let p = Watermark.Position(rawValue: s) else {
                throw fail("\(field).position", "expected center, bottomRight, bottomLeft, topRight, topLeft or tiled")
            }
            mark.position = p
        }
        return mark
    }

    private static func checkKeys(_ map: [String: Any], allowed: Set<String>, at prefix: String,
                                  fail: (String, String) -> PipelineDefinitionError) throws(PipelineDefinitionError) {
        if let unknown = map.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(prefix + unknown, "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private static func number(_ value: Any) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        return nil
    }
}

import ArgumentParser
import Foundation
import StockroomCore

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Check and show pipeline definitions (Pipelines/*.yml).",
        subcommands: [Check.self, Show.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate pipeline files; errors name the file, field and reason.")
        @Argument(help: "YAML files.") var files: [String]

        func run() throws {
            var bad = 0
            for file in files {
                do {
                    let definition = try PipelineDirectory.load(URL(fileURLWithPath: file))
                    print("\(file): ok (\(definition.name), \(definition.recipes.count) renditions)")
                } catch {
                    bad += 1
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                }
            }
            if bad > 0 { throw ExitCode.failure }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the recipes of a pipeline with their hashes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Pipeline name.") var name: String = "default"
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let definition = try PipelineDirectory.standard(home: global.homeURL).definition(named: name)
            var rows = definition.orderedRecipes.map { type, recipe in
                RecipeRow(renditionType: type, width: recipe.width, height: recipe.height, fit: recipe.fit.rawValue,
                          format: recipe.format.rawValue, quality: recipe.quality, recipeHash: PipelineDefinition.recipeHash(recipe))
            }
            if let proxy = definition.videoProxy {
                rows.append(RecipeRow(renditionType: .previewVideo, height: proxy.maxHeight, format: "mp4",
                                      recipeHash: PipelineDefinition.recipeHash(proxy), durationSeconds: proxy.durationSeconds,
                                      videoBitrateKbps: proxy.videoBitrateKbps, audioBitrateKbps: proxy.audioBitrateKbps))
            }
            if let waveform = definition.waveform {
                rows.append(RecipeRow(renditionType: .waveform, width: waveform.width, height: waveform.height, fit: "whole file",
                                      format: waveform.format.rawValue, quality: waveform.quality,
                                      recipeHash: PipelineDefinition.recipeHash(waveform)))
            }
            if let proxy = definition.audioProxy {
                rows.append(RecipeRow(renditionType: .previewAudio, format: "mp4", recipeHash: PipelineDefinition.recipeHash(proxy),
                                      durationSeconds: proxy.durationSeconds, audioBitrateKbps: proxy.bitrateKbps))
            }
            if json { return try printJSON(rows) }
            printTable(["TYPE", "BOX", "FIT", "FORMAT", "QUALITY", "RECIPE"], rows.map { row in
                guard let width = row.width else {
                    // PREVIEW_VIDEO: its height, how much of the file, its bitrates; PREVIEW_AUDIO: no picture.
                    let length = row.durationSeconds.map { "first \(Int($0)) s" } ?? "full"
                    if row.renditionType == .previewAudio {
                        return [row.renditionType.rawValue, "", length, "mp4 (AAC)", "\(row.audioBitrateKbps ?? 0)k", row.recipeHash]
                    }
                    return [row.renditionType.rawValue, "×\(row.height ?? 0)", length, "mp4 (H.264/AAC)",
                            "\(row.videoBitrateKbps ?? 0)k/\(row.audioBitrateKbps ?? 0)k", row.recipeHash]
                }
                return [row.renditionType.rawValue, "\(width)×\(row.height ?? width)", row.fit ?? "", row.format, row.quality.map(String.init) ?? "",
                        row.recipeHash]
            })
        }

        /// One recipe; PREVIEW_VIDEO has `height` (its maximum), `durationSeconds` (absent: the
        /// whole file) and bitrates instead of a box, fit and quality; PREVIEW_AUDIO a duration and
        /// `audioBitrateKbps` only.
        struct RecipeRow: Encodable {
            var renditionType: RenditionType
            var width: Int?
            var height: Int?
            var fit: String?
            var format: String
            var quality: Int?
            var recipeHash: String
            var durationSeconds: Double?
            var videoBitrateKbps: Int?
            var audioBitrateKbps: Int?
        }
    }
}

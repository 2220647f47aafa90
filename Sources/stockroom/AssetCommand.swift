import ArgumentParser
import Foundation
import StockroomCore

struct AssetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asset", abstract: "Show assets, their versions and renditions; restore versions; approve or reject.",
        subcommands: [Show.self, List.self, Versions.self, Restore.self, Approve.self, Reject.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an asset with its metadata, versions and renditions.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Asset id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let details = try AssetDetails.load(id: id, catalog: home.catalog, blobs: home.blobs)
            if json { return try printJSON(details) }
            let a = details.asset
            print("Asset \(a.id!): \(a.name)  [\(a.assetType.rawValue), \(a.status.rawValue)]")
            print("  library: \(details.library)  folder: \(details.folder ?? "/")  source: \(a.sourcePath ?? "-")")
            var facts: [String] = []
            if let w = a.width, let h = a.height { facts.append("\(w)×\(h)") }
            if let d = a.durationSeconds { facts.append(String(format: "%.2f s", d)) }
            if let p = a.pageCount { facts.append("\(p) pages") }
            if let w = a.wordCount { facts.append("\(w) words") }
            if let l = a.layerCount { facts.append("\(l) layers") }
            if let m = a.mimeType { facts.append(m) }
            if let s = a.byteSize { facts.append("\(s) bytes") }
            print("  " + facts.joined(separator: "  "))
            if let c = a.capturedAt { print("  captured: \(c.formatted(.iso8601))") }
            let camera = [a.cameraMake, a.cameraModel, a.lensModel].compactMap { $0 }.joined(separator: " · ")
            if !camera.isEmpty { print("  camera: \(camera)") }
            if let lat = a.gpsLatitude, let lon = a.gpsLongitude { print(String(format: "  gps: %.6f, %.6f", lat, lon)) }
            let av = [a.videoCodec.map { "video \($0)" }, a.frameRate.map { String(format: "%.3f fps", $0) },
                      a.audioCodec.map { "audio \($0)" }, a.sampleRate.map { "\($0) Hz" }, a.audioChannels.map { "\($0) ch" }]
                .compactMap { $0 }.joined(separator: "  ")
            if !av.isEmpty { print("  " + av) }
            if let c = a.copyrightHolder { print("  copyright: \(c)\(a.copyrightYear.map { " (\($0))" } ?? "")") }
            if let l = a.license { print("  license: \(l.rawValue)\(a.expiresAt.map { " until \($0.formatted(.iso8601))" } ?? "")") }
            if !details.tags.isEmpty { print("  tags: \(details.tags.joined(separator: ", "))") }
            print("  versions:")
            for v in details.versions {
                print("    v\(v.versionNumber)\(v.isCurrent ? "*" : " ") \(v.changeType.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(v.byteSize) bytes  \(v.blobHash.prefix(16))…  \(v.createdAt.formatted(.iso8601))")
            }
            print("  renditions:")
            printTable(["    TYPE", "SIZE", "FORMAT", "STATUS", "BLOB"], details.renditions.map { r in
                ["    " + r.renditionType.rawValue, r.width.map { "\($0)×\(r.height ?? 0)" } ?? "-", r.format ?? "-", r.status.rawValue,
                 r.blobPath ?? (r.error ?? "")]
            })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assets.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this library (slug).") var library: String?
        @Option(help: "At most this many.") var limit: Int = 100
        @Option(help: "Skip this many.") var offset: Int = 0
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let libraryId = try library.map { try global.libraryService(home).library(slug: $0).id! }
            let assets = try home.catalog.assets(libraryId: libraryId, limit: limit, offset: offset)
            if json { return try printJSON(assets) }
            printTable(["ID", "NAME", "TYPE", "SIZE", "STATUS"], assets.map { a in
                [String(a.id!), a.name, a.assetType.rawValue, a.width.map { "\($0)×\(a.height ?? 0)" } ?? (a.durationSeconds.map { String(format: "%.1fs", $0) } ?? "-"), a.status.rawValue]
            })
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an asset's versions.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Asset id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            guard try home.catalog.asset(id: id) != nil else { throw DomainError.notFound("no asset \(id)") }
            let versions = try home.catalog.versions(assetId: id)
            if json { return try printJSON(versions) }
            printTable(["VERSION", "CURRENT", "CHANGE", "BYTES", "FILE", "CREATED"], versions.map { v in
                [String(v.versionNumber), v.isCurrent ? "yes" : "", v.changeType.rawValue, String(v.byteSize), v.originalFilename, v.createdAt.formatted(.iso8601)]
            })
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an earlier version current again (recorded as a new RESTORE version) and re-render.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Asset id.") var id: Int64
        @Option(help: "Version number to restore.") var version: Int
        @OptionGroup var media: MediaWorkerOptions

        func run() async throws {
            let home = try global.openHome()
            let pipeline = try makePipeline(home, media: media)
            defer { pipeline.shutdown() }
            try describeLegacyVersion(home, pipeline: pipeline)
            let restored = try home.catalog.restoreVersion(assetId: id, versionNumber: version, actor: Actor.cli.name, now: Date())
            let batch = try RenderPlanner(catalog: home.catalog).enqueue(assetIds: [id], force: true)
            await pipeline.runner.run(workers: ProcessInfo.processInfo.activeProcessorCount, batchId: batch, untilDrained: true, onEvent: { _ in })
            print("Asset \(id): version \(version) restored as version \(restored.versionNumber); renditions re-made.")
        }

        /// Versions made before Stockroom kept each version's description get one now (read from
        /// the version's blob by a media worker), so the restore brings its technical fields back.
        private func describeLegacyVersion(_ home: DataHome, pipeline: Pipeline) throws {
            guard let asset = try home.catalog.asset(id: id),
                  let old = try home.catalog.versions(assetId: id).first(where: { $0.versionNumber == version }),
                  try home.catalog.versionDescription(versionId: old.id!) == nil else { return }
            let name = try home.catalog.library(id: asset.libraryId)?.pipeline ?? "default"
            let definition = try PipelineDirectory.load(try PipelineDirectory.standard(home: home.root).file(named: name))
            let engine = try pipeline.runner.makeMediaEngine(definition.mediaConfiguration)
            if let description = try? engine.describe(fileAt: try home.blobs.localFile(for: old.blobHash), sidecar: nil) {
                try home.catalog.storeVersionDescription(versionId: old.id!, description: description)
            }
        }
    }
}

extension AssetCommand {
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the selected assets: status APPROVED, recording who and when.",
            discussion: "In a library that requires approval (`library set SLUG --require-approval`), share links show only approved assets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Option(help: "A note kept with the decision in the activity log.") var note: String?
        @Flag(help: "Print JSON: { selection, dryRun, matched, changed, sample }.") var json = false

        func run() throws { try AssetCommand.decide(.approved, selection: selection, note: note, global: global, json: json) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject the selected assets: status REJECTED; they leave every share link.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Option(help: "A note kept with the decision in the activity log.") var note: String?
        @Flag(help: "Print JSON: { selection, dryRun, matched, changed, sample }.") var json = false

        func run() throws { try AssetCommand.decide(.rejected, selection: selection, note: note, global: global, json: json) }
    }

    static func decide(_ status: AssetStatus, selection: SelectionOptions, note: String?, global: GlobalOptions, json: Bool) throws {
        let parsed = try selection.selection()
        let home = try global.openHome()
        let service = ApprovalService(approvals: home.catalog)
        let report = status == .approved
            ? try service.approve(parsed, note: note, dryRun: selection.dryRun, by: .cli)
            : try service.reject(parsed, note: note, dryRun: selection.dryRun, by: .cli)
        if json { return try printJSON(report) }
        printBulkReport(report, change: status == .approved ? "approved" : "rejected")
    }
}

/// An asset with everything a person or a script wants to see about it.
struct AssetDetails: Encodable {
    struct RenditionRow: Encodable {
        var renditionType: RenditionType
        var status: RenditionStatus
        var width: Int?
        var height: Int?
        var format: String?
        var quality: Int?
        var byteSize: Int64?
        /// PREVIEW_AUDIO: the proxy's length in seconds.
        var durationSeconds: Double?
        var recipeHash: String
        var versionId: Int64
        var blobHash: String?
        var blobPath: String?
        var error: String?
    }

    var asset: Asset
    var library: String
    var folder: String?
    var tags: [String]
    var versions: [AssetVersion]
    var renditions: [RenditionRow]

    static func load(id: Int64, catalog: any Catalog, blobs: any BlobStore) throws -> AssetDetails {
        guard let asset = try catalog.asset(id: id) else { throw DomainError.notFound("no asset \(id)") }
        let library = try catalog.library(id: asset.libraryId)?.slug ?? "?"
        return AssetDetails(
            asset: asset, library: library, folder: try asset.folderId.flatMap { try catalog.folderPath(id: $0) },
            tags: try catalog.tagNames(assetId: id), versions: try catalog.versions(assetId: id),
            renditions: try catalog.renditions(assetId: id).map { r in
                RenditionRow(renditionType: r.renditionType, status: r.status, width: r.width, height: r.height, format: r.format,
                             quality: r.quality, byteSize: r.byteSize, durationSeconds: r.durationSeconds, recipeHash: r.recipeHash,
                             versionId: r.versionId,
                             blobHash: r.blobHash, blobPath: r.blobHash.map { blobs.location(of: $0) }, error: r.error)
            })
    }
}

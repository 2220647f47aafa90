import Foundation
import GRDB
import StockroomCore
import StockroomMedia
import StockroomTestSupport

extension ShareFixture {
    /// Catalogs an audio file with its original, and the WAVEFORM, PREVIEW_AUDIO and
    /// THUMBNAIL_MEDIUM the render stage makes, each by the real media engine.
    @discardableResult
    func addAudio(_ source: URL, name: String, durationSeconds: Double) throws -> Asset {
        let engine = try LibMediaEngine()
        let stored = try home.blobs.put(contentsOf: source)
        let proxyFile = directory.appendingPathComponent("proxy-\(UUID().uuidString).m4a")
        let proxyRecipe = AudioProxyRecipe()
        let facts = try engine.makeAudioProxy(fileAt: source, recipe: proxyRecipe, to: proxyFile)
        let proxy = try home.blobs.put(contentsOf: proxyFile)
        let waveformRecipe = WaveformRecipe()
        let waveform = try engine.makeWaveform(fileAt: source, recipe: waveformRecipe)
        let waveformBlob = try home.blobs.put(waveform.data)
        let thumbnailRecipe = RenditionRecipe(name: "THUMBNAIL_MEDIUM", width: 300)
        guard case let .rendered(thumbnail)? = try engine.render(fileAt: source, description: try engine.describe(fileAt: source, sidecar: nil),
                                                                 recipes: [thumbnailRecipe]).first else {
            throw MediaError.noVisualContent("no thumbnail for \(source.lastPathComponent)")
        }
        let thumbnailBlob = try home.blobs.put(thumbnail.data)
        var asset = Asset(libraryId: library.id!, folderId: nil, name: name, slug: Slug.make(from: name) + "-\(UUID().uuidString.prefix(6).lowercased())",
                          assetType: .audioMusic, status: .approved)
        asset.mimeType = "audio/aiff"
        asset.byteSize = stored.byteSize
        asset.contentHash = stored.hash
        asset.durationSeconds = durationSeconds
        return try home.sqliteCatalog!.database.writer.write { db in
            try asset.insert(db)
            var version = AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: stored.hash, byteSize: stored.byteSize,
                                       mimeType: "audio/aiff", originalFilename: source.lastPathComponent, changeType: .initial)
            try version.insert(db)
            func insert(_ type: RenditionType, hash: String, blob: StoredBlob, format: String,
                        width: Int? = nil, height: Int? = nil, duration: Double? = nil) throws {
                var rendition = Rendition(assetId: asset.id!, versionId: version.id!, renditionType: type, recipeHash: hash, status: .completed)
                rendition.blobHash = blob.hash
                rendition.byteSize = blob.byteSize
                rendition.format = format
                rendition.width = width
                rendition.height = height
                rendition.durationSeconds = duration
                try rendition.insert(db)
            }
            try insert(.previewAudio, hash: PipelineDefinition.recipeHash(proxyRecipe), blob: proxy, format: "m4a",
                       duration: facts.durationSeconds)
            try insert(.waveform, hash: PipelineDefinition.recipeHash(waveformRecipe), blob: waveformBlob,
                       format: "png", width: waveform.width, height: waveform.height)
            try insert(.thumbnailMedium, hash: PipelineDefinition.recipeHash(thumbnailRecipe), blob: thumbnailBlob,
                       format: "jpeg", width: thumbnail.width, height: thumbnail.height)
            return asset
        }
    }

    /// `seconds` of a 440 Hz tone as 16-bit AIFF (which browsers do not play), made by ffmpeg.
    func toneAIFF(seconds: Int) throws -> URL {
        let file = directory.appendingPathComponent("tone-\(UUID().uuidString.prefix(6)).aiff")
        let ffmpeg = try ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }
            .orThrow("needs the ffmpeg command")
        _ = try ServerEnvironment.output(of: ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "aevalsrc=0.6*sin(2*PI*440*t)*(0.5+0.5*sin(2*PI*0.5*t)):s=44100:d=\(seconds)",
            "-c:a", "pcm_s16be", "-y", file.path,
        ])
        return file
    }
}

private extension Optional {
    func orThrow(_ reason: String) throws -> Wrapped {
        guard let self else { throw MediaError.io(reason) }
        return self
    }
}

import Foundation
import GRDB
import StockroomCore
import StockroomMedia
import StockroomTestSupport

extension ShareFixture {
    /// Catalogs a corpus video with its original and a PREVIEW_VIDEO made by the real media
    /// engine (libavcodec: H.264/AAC MP4), as the render stage makes it.
    @discardableResult
    func addVideo(_ corpusName: String, name: String, recipe: VideoProxyRecipe = VideoProxyRecipe(maxHeight: 360, durationSeconds: 6)) throws -> Asset {
        let source = Corpus.file("video").appendingPathComponent(corpusName)
        let stored = try home.blobs.put(contentsOf: source)
        let proxyFile = directory.appendingPathComponent("proxy-\(UUID().uuidString).mp4")
        let facts = try LibMediaEngine().makeVideoProxy(fileAt: source, recipe: recipe, to: proxyFile)
        let proxy = try home.blobs.put(contentsOf: proxyFile)
        var asset = Asset(libraryId: library.id!, folderId: nil, name: name, slug: Slug.make(from: name) + "-\(UUID().uuidString.prefix(6).lowercased())",
                          assetType: .videoRaw, status: .approved)
        asset.mimeType = "video/mp4"
        asset.byteSize = stored.byteSize
        asset.contentHash = stored.hash
        asset.width = facts.width
        asset.height = facts.height
        asset.durationSeconds = facts.durationSeconds
        return try home.sqliteCatalog!.database.writer.write { db in
            try asset.insert(db)
            var version = AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: stored.hash, byteSize: stored.byteSize,
                                       mimeType: "video/mp4", originalFilename: corpusName, changeType: .initial)
            try version.insert(db)
            var rendition = Rendition(assetId: asset.id!, versionId: version.id!, renditionType: .previewVideo,
                                      recipeHash: PipelineDefinition.recipeHash(recipe), status: .completed)
            rendition.blobHash = proxy.hash
            rendition.byteSize = proxy.byteSize
            rendition.width = facts.width
            rendition.height = facts.height
            rendition.format = "mp4"
            try rendition.insert(db)
            return asset
        }
    }
}

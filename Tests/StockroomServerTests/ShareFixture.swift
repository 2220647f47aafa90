import Foundation
import GRDB
import StockroomCore
import StockroomTestSupport
import Testing

/// A real data home in a temp folder with a library of real images: originals from the shared
/// corpus in the blob store, thumbnails and previews made by the `vipsthumbnail` CLI, and the
/// rows the ingest pipeline would write (asset, current version, completed renditions).
///
/// Rows are inserted directly because the pipeline lives on another branch; swap `addImage` for
/// a pipeline ingest once it has landed.
final class ShareFixture: @unchecked Sendable {
    private let temporary = TemporaryDirectory("stockroom-server")
    var directory: URL { temporary.url }
    let home: DataHome
    let library: Library

    static let corpus = Corpus.file("images")

    /// `environment` chooses the backends as the CLI's does (`STOCKROOM_BLOBS`, …).
    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        home = try DataHome.initialize(at: temporary.file("home"), environment: environment)
        library = try LibraryService(libraries: home.catalog, folders: home.catalog)
            .createLibrary(name: "Client Work", by: .system)
    }

    var collections: CollectionService { CollectionService(collections: home.catalog, assets: home.catalog) }
    /// bcrypt at a low cost keeps the password tests quick; the hash format is the production one.
    var shares: ShareService { ShareService(shares: home.catalog, collections: home.catalog, assets: home.catalog, bcryptCost: 6) }

    /// Catalogs a corpus image as an asset with an original and THUMBNAIL_MEDIUM + PREVIEW renditions.
    @discardableResult
    func addImage(_ corpusName: String, name: String? = nil, originalFilename: String? = nil, status: AssetStatus = .approved,
                  expiresAt: Date? = nil, tags: [String] = [], folder: String? = nil, copyright: String? = "Studio North",
                  renditions: Bool = true, extra: [(RenditionType, Int)] = []) throws -> Asset {
        let source = Self.corpus.appendingPathComponent(corpusName)
        let stored = try home.blobs.put(contentsOf: source)
        let displayName = name ?? (corpusName as NSString).deletingPathExtension
        let folderId = try folder.map { try home.catalog.ensureFolder(libraryId: library.id!, path: try FolderPath(parsing: $0), createdBy: "test").id! }
        let size = try Self.imageSize(source)
        var asset = Asset(libraryId: library.id!, folderId: folderId, name: displayName, slug: Slug.make(from: displayName) + "-\(UUID().uuidString.prefix(6).lowercased())",
                          assetType: .imagePhoto, status: status)
        asset.mimeType = MediaTypes.mimeType(forFormat: (corpusName as NSString).pathExtension)
        asset.byteSize = stored.byteSize
        asset.contentHash = stored.hash
        asset.width = size.width
        asset.height = size.height
        asset.expiresAt = expiresAt
        asset.copyrightHolder = copyright
        asset.copyrightYear = 2024
        var made: [(RenditionType, Made)] = []
        if renditions { made = [(.thumbnailMedium, try makeRendition(source, width: 480)), (.preview, try makeRendition(source, width: 1400))] }
        for (type, width) in extra { made.append((type, try makeRendition(source, width: width))) }
        let writer = home.sqliteCatalog!.database.writer
        asset = try writer.write { db in
            try asset.insert(db)
            var version = AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: stored.hash, byteSize: stored.byteSize,
                                       mimeType: asset.mimeType!, originalFilename: originalFilename ?? corpusName, changeType: .initial)
            try version.insert(db)
            for (type, file) in made {
                var rendition = Rendition(assetId: asset.id!, versionId: version.id!, renditionType: type, recipeHash: "test-\(type.rawValue)",
                                          status: .completed)
                rendition.blobHash = file.hash
                rendition.byteSize = file.size
                rendition.width = file.width
                rendition.height = file.height
                rendition.format = "jpeg"
                try rendition.insert(db)
            }
            return asset
        }
        if !tags.isEmpty {
            var patch = AssetPatch()
            patch.addTags = tags
            asset = try home.catalog.updateAsset(id: asset.id!, applying: patch, by: "test")
        }
        return asset
    }

    /// An asset whose original is `megabytes` of seeded pseudo-random bytes (a large file that
    /// compresses to nothing), with no renditions.
    @discardableResult
    func addLargeOriginal(megabytes: Int, name: String = "Large master") throws -> Asset {
        var generator = SplitMix(seed: 42)
        var data = Data(count: megabytes * 1_048_576)
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices { words[i] = generator.next() }
        }
        let stored = try home.blobs.put(data)
        var asset = Asset(libraryId: library.id!, folderId: nil, name: name, slug: Slug.make(from: name) + "-\(UUID().uuidString.prefix(6).lowercased())",
                          assetType: .imagePhoto, status: .approved)
        asset.mimeType = "image/tiff"
        asset.byteSize = stored.byteSize
        asset.contentHash = stored.hash
        return try home.sqliteCatalog!.database.writer.write { db in
            try asset.insert(db)
            var version = AssetVersion(assetId: asset.id!, versionNumber: 1, blobHash: stored.hash, byteSize: stored.byteSize,
                                       mimeType: "image/tiff", originalFilename: "master.tif", changeType: .initial)
            try version.insert(db)
            return asset
        }
    }

    /// The data home's blob store as the disk store it is in these tests (to damage files).
    var diskBlobs: DiskBlobStore {
        get throws { try #require(home.blobs as? DiskBlobStore) }
    }

    /// Overwrites a blob's bytes on disk (bit rot, a partial restore) without the catalog knowing.
    func damageBlob(_ hash: String, keepingBytes count: Int) throws {
        let url = try diskBlobs.path(for: hash)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(count))
        try handle.close()
    }

    func blob(_ hash: String) throws -> Data { try home.blobs.readAll(hash) }

    func originalHash(of asset: Asset) throws -> String { try home.catalog.currentVersion(assetId: asset.id!)!.blobHash }

    private struct Made { var hash: String; var size: Int64; var width: Int; var height: Int }

    private func makeRendition(_ source: URL, width: Int) throws -> Made {
        let out = directory.appendingPathComponent("r-\(UUID().uuidString).jpg")
        try Self.run("/usr/bin/vipsthumbnail", [source.path, "--size", "\(width)x", "-o", out.path + "[Q=82,strip]"])
        let stored = try home.blobs.put(contentsOf: out)
        let size = try Self.imageSize(out)
        return Made(hash: stored.hash, size: stored.byteSize, width: size.width, height: size.height)
    }

    static func imageSize(_ url: URL) throws -> (width: Int, height: Int) {
        let w = try run("/usr/bin/vipsheader", ["-f", "width", url.path])
        let h = try run("/usr/bin/vipsheader", ["-f", "height", url.path])
        return (Int(w.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, Int(h.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ServerEnvironment.output(of: tool, arguments)
    }
}

/// A tiny seeded generator for test bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

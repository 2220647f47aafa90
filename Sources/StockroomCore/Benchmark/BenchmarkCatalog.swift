import Foundation
import GRDB

/// Fills a catalog with a realistic, deterministic spread of assets for the catalog benchmark
/// (`stockroom debug seed`): two libraries (one PUBLIC), a folder tree, 300 tags including a
/// `brand/…` hierarchy, licenses with end dates from a year ago to a year ahead, collections
/// and share links. Only rows, no media files.
public enum BenchmarkCatalog {
    public struct Summary: Codable, Sendable, Equatable {
        public var assets: Int
        public var tagAssignments: Int
        public var folders: Int
        public var collections: Int
        public var shareLinks: Int
    }

    /// Seeds the home's catalog. A PostgreSQL catalog (which must be empty) gets the very same
    /// rows: they are generated into a scratch SQLite file and copied over by `HomeMigration`
    /// (catalog only), so both backends are benchmarked on identical data.
    public static func seed(into home: DataHome, assets count: Int, seed: UInt64 = 42, now: Date = Date(),
                            onEvent: @Sendable (HomeMigration.Event) -> Void = { _ in }) throws(DomainError) -> Summary {
        if let sqlite = home.sqliteCatalog { return try Self.seed(into: sqlite, assets: count, seed: seed, now: now) }
        guard let postgres = home.catalog as? PostgresCatalog else {
            throw .invalidArgument("debug seed works on a SQLite or PostgreSQL catalog, not \(home.catalog.backendName)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stockroom-seed-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let generated = try DataHome.initialize(at: scratch, environment: [:])
        let summary = try Self.seed(into: try generated.requireSQLiteCatalog("debug seed"), assets: count, seed: seed, now: now)
        _ = try HomeMigration(source: generated, target: postgres, targetBlobs: nil, targetBlobsName: "none", batchSize: 5000)
            .run(onEvent: onEvent)
        return summary
    }

    public static func seed(into catalog: SQLiteCatalog, assets count: Int, seed: UInt64 = 42,
                            now: Date = Date()) throws(DomainError) -> Summary {
        try catalog.write { db in
            var random = SeededGenerator(seed: seed)
            var libraries: [Int64] = []
            for (slug, visibility) in [("bench-brand", LibraryVisibility.internal), ("bench-press", .public)] {
                var library = Library(name: slug, slug: slug, visibility: visibility, now: now)
                try library.insert(db)
                libraries.append(library.id!)
            }
            var folders: [Int64: [Int64]] = [:]
            for library in libraries {
                for campaign in 0..<20 {
                    for leaf in ["photos", "video"] {
                        let folder = try SQLiteCatalog.ensureFolder(
                            db, libraryId: library, path: try FolderPath(parsing: "/campaigns/c\(campaign)/\(leaf)"), createdBy: "bench")
                        folders[library, default: []].append(folder.id!)
                    }
                }
            }
            var tagIDs: [Int64] = []
            for name in (0..<200).map({ "topic-\($0)" }) + (0..<100).map({ "brand/item-\($0)" }) {
                tagIDs.append(try SQLiteCatalog.ensureTag(db, name: name, organizationId: Organization.defaultId))
            }
            let types: [AssetType] = [.imagePhoto, .imagePhoto, .imagePhoto, .imageGraphic, .imageLogo, .videoEdited, .videoRaw,
                                      .audioMusic, .docPresentation]
            let licenses: [LicenseType?] = [nil, .owned, .royaltyFree, .royaltyFree, .rightsManaged, .creativeCommons,
                                            .editorialOnly, .internalOnly, .unknown]
            let insertAsset = try db.makeStatement(sql: """
                INSERT INTO asset (organizationId, libraryId, folderId, name, slug, description, assetType, metadata, width, height,
                    durationSeconds, capturedAt, cameraMake, cameraModel, status, license, expiresAt, copyrightHolder,
                    sourceType, createdBy, createdAt, updatedAt, byteSize, downloadCount)
                VALUES ('default', ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UPLOAD', 'bench', ?, ?, ?, 0)
                """)
            let insertTag = try db.makeStatement(sql: "INSERT OR IGNORE INTO asset_tag (assetId, tagId) VALUES (?, ?)")
            var tagAssignments = 0
            var assetIDs: [Int64] = []
            assetIDs.reserveCapacity(count)
            for index in 0..<count {
                let library = libraries[index % 10 == 0 ? 1 : 0]
                let type = types.randomElement(using: &random)!
                let isImage = type.family == "image", isVideo = type.family == "video"
                let ext = isImage ? "jpg" : isVideo ? "mp4" : type.family == "audio" ? "wav" : "pdf"
                let name = "asset-\(index).\(ext)"
                let license = licenses.randomElement(using: &random)!
                let expires: Date? = Int.random(in: 0..<10, using: &random) < 3
                    ? now.addingTimeInterval(Double(Int.random(in: -365...365, using: &random)) * 86_400 + 3600) : nil
                let captured = now.addingTimeInterval(-Double(Int.random(in: 0..<(5 * 365), using: &random)) * 86_400)
                try insertAsset.execute(arguments: [
                    library, folders[library]!.randomElement(using: &random)!, name, "asset-\(index)-\(ext)",
                    index % 7 == 0 ? "Campaign shot \(index) for the summer launch" : nil, type.rawValue,
                    isImage ? Int.random(in: 800...8000, using: &random) : nil,
                    isImage ? Int.random(in: 600...6000, using: &random) : nil,
                    isVideo ? Double(Int.random(in: 5...600, using: &random)) : nil,
                    captured, isImage ? "Canon" : nil, isImage ? ["Canon EOS 5D", "Canon EOS R5", "Canon EOS 90D"].randomElement(using: &random)! : nil,
                    index % 20 == 0 ? AssetStatus.pending.rawValue : AssetStatus.approved.rawValue, license?.rawValue, expires,
                    Int.random(in: 0..<5, using: &random) == 0 ? nil : "Stockroom Studio", now, now,
                    Int.random(in: 10_000...50_000_000, using: &random),
                ])
                let assetID = db.lastInsertedRowID
                assetIDs.append(assetID)
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    try insertTag.execute(arguments: [assetID, tagIDs.randomElement(using: &random)!])
                    tagAssignments += db.changesCount
                }
            }
            var shareLinks = 0
            for number in 0..<50 {
                var collection = AssetCollection(name: "Bench \(number)", slug: "bench-\(number)", now: now)
                try collection.insert(db)
                var members = Swift.Set<Int64>()
                while members.count < min(100, assetIDs.count) { members.insert(assetIDs.randomElement(using: &random)!) }
                for (order, assetID) in members.sorted().enumerated() {
                    var item = CollectionItem(collectionId: collection.id!, assetId: assetID, sortOrder: order, now: now)
                    try item.insert(db)
                }
                if number < 20 {
                    var link = ShareLink(token: "bench-collection-\(number)", collectionId: collection.id!, now: now)
                    try link.insert(db)
                    shareLinks += 1
                }
            }
            for number in 0..<min(200, assetIDs.count) {
                var link = ShareLink(token: "bench-asset-\(number)", assetId: assetIDs.randomElement(using: &random)!, now: now)
                try link.insert(db)
                shareLinks += 1
            }
            return Summary(assets: count, tagAssignments: tagAssignments, folders: folders.values.map(\.count).reduce(0, +),
                           collections: 50, shareLinks: shareLinks)
        }
    }
}

import Foundation
import GRDB
@testable import StockroomCore
import StockroomTestSupport

/// A real data home with an image, a video (12.5 s) and an audio file (30 s) in collection
/// `picks`, one more image in `other`, and helpers to open links on them.
struct ReviewFixture {
    let home: DataHome
    let library: Library
    let image: Asset
    let video: Asset
    let audio: Asset
    let outsider: Asset

    init(in dir: TemporaryDirectory, requireApproval: Bool = false) throws {
        home = try DataHome.initialize(at: dir.url.appendingPathComponent("home"))
        let libraries = LibraryService(libraries: home.sqliteCatalog!, folders: home.sqliteCatalog!)
        var library = try libraries.createLibrary(name: "Client Work", by: .system)
        if requireApproval {
            library = try libraries.updateSettings(slug: library.slug, LibrarySettingsChange(requireApproval: true), by: .system)
        }
        self.library = library
        let home = self.home
        image = try Self.add(home, library, "Harbour at dawn", .imagePhoto)
        video = try Self.add(home, library, "Teaser cut", .videoEdited, duration: 12.5)
        audio = try Self.add(home, library, "Voice over", .audioVoiceover, duration: 30)
        outsider = try Self.add(home, library, "Not shared", .imagePhoto)
        let collections = CollectionService(collections: home.sqliteCatalog!, assets: home.sqliteCatalog!)
        _ = try collections.createCollection(name: "Picks", by: .system)
        _ = try collections.addAssets([image.id!, video.id!, audio.id!], to: "picks", by: .system)
        _ = try collections.createCollection(name: "Other", by: .system)
        _ = try collections.addAssets([outsider.id!], to: "other", by: .system)
    }

    static func add(_ home: DataHome, _ library: Library, _ name: String, _ type: AssetType, duration: Double? = nil) throws -> Asset {
        var asset = Asset(libraryId: library.id!, folderId: nil, name: name, slug: Slug.make(from: name), assetType: type, status: .approved)
        asset.durationSeconds = duration
        asset.width = type.family == "audio" ? nil : 1600
        asset.height = type.family == "audio" ? nil : 900
        return try home.sqliteCatalog!.database.writer.write { db in try asset.inserted(db) }
    }

    var shares: ShareService {
        ShareService(shares: home.sqliteCatalog!, collections: home.sqliteCatalog!, assets: home.sqliteCatalog!, bcryptCost: 4, reviews: home.sqliteCatalog!)
    }

    func link(_ access: ShareAccessLevel, collection: String = "picks", includePending: Bool = false, recipient: String? = nil) throws -> ResolvedShare {
        let link = try shares.createShare(ShareRequest(target: .collection(slug: collection), recipientEmail: recipient, accessLevel: access,
                                                       includePending: includePending), by: .system)
        return try shares.resolve(token: link.token)
    }

    func reload(_ share: ResolvedShare) throws -> ResolvedShare { try shares.resolve(token: share.link.token) }

    func activity(_ action: String) throws -> [Activity] {
        try home.sqliteCatalog!.database.writer.read { db in
            try Activity.filter(Column("action") == action).order(Column("id")).fetchAll(db)
        }
    }
}

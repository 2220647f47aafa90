import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Versions keep their technical fields: restore and failed new versions", .serialized)
struct VersionRestoreTests {
    let dir = TemporaryDirectory()

    private func asset(_ home: DataHome) throws -> Asset {
        try #require(try home.catalog.assets(libraryId: nil, limit: 1, offset: 0).first)
    }

    /// a.jpg as a 1800×1200 JPEG, then as a 16-bit PNG of other dimensions: two versions.
    private func twoVersions(_ home: DataHome) async throws -> (drop: URL, asset: Asset) {
        let drop = try Fixtures.stage(["a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        _ = try await Fixtures.ingest([drop], into: home)
        try FileManager.default.removeItem(at: drop.appendingPathComponent("a.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("images/sample.png"), to: drop.appendingPathComponent("a.jpg"))
        let changed = try await Fixtures.ingest([drop], into: home)
        #expect(changed.versions == 1)
        return (drop, try asset(home))
    }

    @Test("restoring version 1 brings back its width, height, colour space, MIME type and metadata", arguments: CatalogBackend.available)
    func restoreTechnicalColumns(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let (_, second) = try await twoVersions(home)
        #expect(second.mimeType == "image/png" && second.width != 1800)
        let restored = try home.catalog.restoreVersion(assetId: second.id!, versionNumber: 1, actor: "test", now: Date())
        #expect(restored.versionNumber == 3)
        let now = try asset(home)
        #expect(now.width == 1800 && now.height == 1200)
        #expect(now.mimeType == "image/jpeg")
        #expect(now.metadata.objectValue?["format"]?.stringValue == "jpeg")
        #expect(now.metadata.objectValue?["image"]?.objectValue?["colorSpace"]?.stringValue == "srgb")
        #expect(now.contentHash == restored.blobHash)
        // The restored version has its own description, so restoring from it works too.
        #expect(try home.catalog.versionDescription(versionId: restored.id!)?.format == "jpeg")
        _ = try home.catalog.restoreVersion(assetId: second.id!, versionNumber: 2, actor: "test", now: Date())
        #expect(try asset(home).mimeType == "image/png")
    }

    @Test("a new version whose pixels do not decode is taken back: the previous version is current again, unchanged", arguments: CatalogBackend.available)
    func failedNewVersionIsTakenBack(_ backend: CatalogBackend) async throws {
        let home = try Fixtures.home(in: dir, backend: backend)
        let drop = try Fixtures.stage(["a.jpg": "images/orientation-landscape-1.jpg"], in: dir)
        _ = try await Fixtures.ingest([drop], into: home)
        let before = try asset(home)
        try FileManager.default.removeItem(at: drop.appendingPathComponent("a.jpg"))
        try FileManager.default.copyItem(at: Corpus.file("malformed/truncated.jpg"), to: drop.appendingPathComponent("a.jpg"))
        let summary = try await Fixtures.ingest([drop], into: home)
        #expect(summary.failed == 1 && summary.files.first?.stage == .render, "\(summary.files)")
        let after = try asset(home)
        #expect(after.contentHash == before.contentHash && after.width == before.width && after.mimeType == before.mimeType)
        let versions = try home.catalog.versions(assetId: after.id!)
        #expect(versions.map(\.versionNumber) == [1] && versions[0].isCurrent)
        #expect(try home.catalog.renditions(assetId: after.id!).allSatisfy { $0.status == .completed && $0.versionId == versions[0].id })
    }

    @Test("`asset restore` on a version recorded before versions kept descriptions describes it first")
    func restoreLegacyVersion() async throws {
        let home = try Fixtures.home(in: dir)
        let (_, second) = try await twoVersions(home)
        let first = try #require(try home.catalog.versions(assetId: second.id!).first)
        try await home.sqliteCatalog!.database.writer.write { db in
            try db.execute(sql: "DELETE FROM asset_version_media WHERE versionId = ?", arguments: [first.id!])
        }
        let restore = try StockroomProcess(["asset", "restore", "\(second.id!)", "--version", "1"], home: home)
        #expect(await restore.waitForExit(seconds: 120) == 0, "\(restore.stderr.suffix(1000))")
        let now = try asset(home)
        #expect(now.width == 1800 && now.height == 1200 && now.mimeType == "image/jpeg")
    }
}

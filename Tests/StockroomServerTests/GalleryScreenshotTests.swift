import Foundation
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing

/// Looks at the gallery in a real browser: headless Chromium loads the page from the live server
/// and takes a screenshot; the grid area must show real pictures, not blank tiles.
/// `scripts/gallery-screenshot` runs this suite with `STOCKROOM_SCREENSHOT_DIR=Docs` to refresh
/// `Docs/gallery.png` and `Docs/gallery-asset.png`.
/// Without chromium the suite is skipped, except in CI (`STOCKROOM_TEST_REQUIRE_SERVERS=1`), where it fails.
@Suite("Gallery in headless Chromium", .enabled(if: runBrowserTests, "needs chromium (scripts/install-deps test)"))
struct GalleryScreenshotTests {
    static let chromium = installedChromium

    @Test func galleryRendersItsThumbnails() async throws {
        let fixture = try ShareFixture()
        let pictures: [(String, String)] = [
            ("orientation-landscape-1.jpg", "Harbour at dawn"), ("sample.png", "Studio still life"),
            ("iptc.jpg", "Portrait, window light"), ("flower.webp", "Spring flower"),
            ("icc-profile-big.jpg", "Colour chart"), ("progressive-icc-orientation-6.jpg", "Street corner"),
            ("cmyk.jpg", "Print proof"), ("exif-gps.jpg", "Location scout"),
        ]
        var assets: [Asset] = []
        for (file, name) in pictures { assets.append(try fixture.addImage(file, name: name)) }
        let collection = try fixture.collections.createCollection(
            name: "Spring Campaign 2025", description: "Final selects for the spring launch. Download what you need; the link expires in two weeks.", by: .system)
        _ = try fixture.collections.addAssets(assets.map { $0.id! }, to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug),
                                                               expiresAt: Date().addingTimeInterval(14 * 86_400)), by: .system)
        let outDir = ProcessInfo.processInfo.environment["STOCKROOM_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) } ?? fixture.directory
        let galleryPNG = outDir.appendingPathComponent("gallery.png")
        let assetPNG = outDir.appendingPathComponent("gallery-asset.png")
        let chromium = try #require(Self.chromium, Testing.Comment(rawValue: BrowserError.missing.description))

        let firstAsset = assets[0].id!
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let port = try #require(client.port)
            let base = "http://localhost:\(port)/s/\(link.token)"
            try await Self.screenshot(chromium, url: base, to: galleryPNG)
            try await Self.screenshot(chromium, url: "\(base)/assets/\(firstAsset)", to: assetPNG)
        }
        // The grid starts below the header; a blank or broken-image tile area is nearly flat.
        let size = try ShareFixture.imageSize(galleryPNG)
        #expect(size.width == 1280 && size.height == 900)
        let grid = fixture.directory.appendingPathComponent("grid.png")
        try ShareFixture.run("/usr/bin/vips", ["extract_area", galleryPNG.path, grid.path, "60", "300", "1160", "300"])
        let deviation = Double(try ShareFixture.run("/usr/bin/vips", ["deviate", grid.path]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(deviation > 25, "the grid looks blank (deviation \(deviation))")
        let preview = fixture.directory.appendingPathComponent("preview.png")
        try ShareFixture.run("/usr/bin/vips", ["extract_area", assetPNG.path, preview.path, "100", "200", "700", "500"])
        let previewDeviation = Double(try ShareFixture.run("/usr/bin/vips", ["deviate", preview.path]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(previewDeviation > 25, "the preview looks blank (deviation \(previewDeviation))")
    }

    static func screenshot(_ chromium: String, url: String, to file: URL) async throws {
        try? FileManager.default.removeItem(at: file)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=\(profile.path)", "--virtual-time-budget=8000",
            "--window-size=1280,900", "--screenshot=\(file.path)", url,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Chromium runs while the server answers on this process's event loops: wait without blocking them.
        while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: file.path))
    }
}

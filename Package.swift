// swift-tools-version:6.1
import Foundation
import PackageDescription

var package = Package(
    name: "Stockroom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stockroom", targets: ["stockroom"]),
        .library(name: "StockroomCore", targets: ["StockroomCore"]),
        .library(name: "StockroomServer", targets: ["StockroomServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // C libraries, found through pkg-config, installed from Debian's -dev packages.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        .systemLibrary(
            name: "CAVFormat", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        // PDF metadata and text (poppler's GLib API; libvips renders the pages) and font files.
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // Fixed-argument wrappers around libvips' variadic API and the libav decode loop.
        .target(name: "CMediaShim", dependencies: ["CVips", "CExif", "CAVFormat"]),
        // The only Swift target that touches C: owns VipsImage, ExifData, AVFormatContext.
        .target(
            name: "StockroomMedia",
            dependencies: [
                "CVips", "CExif", "CAVFormat", "CMediaShim", "CPoppler", "CFreeType",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "StockroomCore",
            dependencies: [
                "StockroomMedia",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "StockroomServer",
            dependencies: [
                "StockroomCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "stockroom",
            dependencies: [
                "StockroomCore",
                "StockroomServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Replays files through Stockroom's own document parsers; with -DLIBFUZZER and
        // -sanitize=fuzzer it is their libFuzzer harness (see the file).
        .executableTarget(name: "FuzzDocumentParsers", dependencies: ["StockroomMedia"], path: "Fuzz/DocumentParsers"),
        // Temp folders and the shared corpus, for every test target.
        .target(
            name: "StockroomTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/StockroomTestSupport"
        ),
        // Test pictures and pixel measures for the rendition quality tests, in C for speed.
        .target(name: "CRenditionTestSupport", dependencies: ["CVips"], path: "Tests/CRenditionTestSupport"),
        .testTarget(
            name: "StockroomMediaTests",
            dependencies: ["StockroomMedia", "CMediaShim", "CVips", "StockroomTestSupport", "CRenditionTestSupport"],
            // Fuzz findings, read from the source tree by FuzzRegressionTests and scripts/fuzz.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "StockroomCoreTests",
            dependencies: [
                "StockroomCore", "StockroomTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StockroomServerTests",
            dependencies: [
                "StockroomServer",
                "StockroomTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The browser tests drive headless Chromium over its DevTools WebSocket.
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)

// The sanitizer lane (scripts/sanitize) and the fuzz harness (scripts/fuzz) build only the media
// tests, FuzzDocumentParsers and the targets they depend on, with the sanitizers, each in its own
// scratch path: a second build of the whole package (GRDB, NIO, BoringSSL…) would double CI's build time for code that
// never touches untrusted bytes. Package dependencies stay declared, so Package.resolved is the
// same in both builds; SwiftPM builds none that no kept target uses.
if ProcessInfo.processInfo.environment["STOCKROOM_MEDIA_TARGETS_ONLY"] == "1" {
    var kept: Set<String> = []
    var pending = ["StockroomMediaTests", "FuzzDocumentParsers"]
    while let name = pending.popLast() {
        guard kept.insert(name).inserted, let target = package.targets.first(where: { $0.name == name }) else { continue }
        for dependency in target.dependencies {
            switch dependency {
            case let .targetItem(name, _), let .byNameItem(name, _): pending.append(name)
            default: break
            }
        }
    }
    package.targets.removeAll { !kept.contains($0.name) }
    package.products = []
}

import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// Every input a fuzz harness found (scripts/fuzz, minimised, in Fixtures/fuzz/HARNESS/) goes
/// back through the Swift code that handles such bytes: no crash, and the fix each finding led to
/// holds. scripts/fuzz also replays them as seeds, under ASan and UBSan; scripts/sanitize under
/// Valgrind. Docs/security.md lists the findings.
@Suite("Fuzz findings")
struct FuzzRegressionTests {
    static let fixtures = Corpus.repositoryRoot.appendingPathComponent("Tests/StockroomMediaTests/Fixtures/fuzz", isDirectory: true)

    struct Finding: Sendable, CustomTestStringConvertible {
        var harness: String
        var file: String
        var url: URL { FuzzRegressionTests.fixtures.appendingPathComponent(harness).appendingPathComponent(file) }
        var testDescription: String { "\(harness)/\(file)" }
    }

    static let findings: [Finding] = {
        let harnesses = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return harnesses.sorted().flatMap { harness in
            ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(harness).path)) ?? [])
                .sorted().map { Finding(harness: harness, file: $0) }
        }
    }()

    @Test("a finding goes through its parser without a crash", arguments: findings)
    func replay(_ finding: Finding) throws {
        let data = try Data(contentsOf: finding.url)
        switch finding.harness {
        case "exif", "exif_reader": _ = ExifReader.read(data)
        case "xmp": _ = XMPPacketParser.parse(data)
        case "iptc": _ = IPTCParser.parse(data)
        case "icc_profile": _ = ICCProfileDescription.read(data)
        case "gif_canvas": _ = GIFCanvas.read(data)
        default:
            // A whole file: describe and render end in renditions or a MediaError.
            let engine = try LibMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 30))
            do {
                let description = try engine.describe(fileAt: finding.url, sidecar: nil)
                _ = try engine.render(fileAt: finding.url, description: description, recipes: [RenditionRecipe(name: "T", width: 64)])
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func findingsAreCommitted() {
        #expect(Self.findings.contains { $0.file == "exif-srational-int-min" })
        #expect(Self.findings.contains { $0.file == "empty-qualified-name" })
    }

    /// The xmp harness's 4-byte packet `<:\0a`: an element named ":" made the prefix split find no
    /// parts, and indexing the first one trapped (SIGILL) — any JPEG's XMP block or any `.xmp`
    /// sidecar could end the process. Embedded, as a sidecar and alone, it now reads as no XMP.
    @Test func xmpElementNamedColon() throws {
        let packet = try Data(contentsOf: Self.fixtures.appendingPathComponent("xmp/empty-qualified-name"))
        #expect(XMPPacketParser.parse(packet) == nil)
        #expect(XMPPacketParser.parse(Data("<x:xmpmeta><:a/><a:/><::/></x:xmpmeta>".utf8)) == nil)

        let directory = TemporaryDirectory()
        let engine = try LibMediaEngine()
        let plain = try GeneratedImage.jpeg(width: 8, height: 8)
        let segment = Data("http://ns.adobe.com/xap/1.0/".utf8) + Data([0]) + packet
        var embedded = Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8((segment.count + 2) >> 8), UInt8((segment.count + 2) & 0xFF)])
        embedded.append(segment)
        embedded.append(plain.dropFirst(2))
        let photo = directory.file("xmp.jpg")
        try embedded.write(to: photo)
        let sidecar = directory.file("xmp.xmp")
        try packet.write(to: sidecar)
        let description = try engine.describe(fileAt: photo, sidecar: sidecar)
        #expect(description.image?.width == 8)
        #expect(description.xmp == nil)
    }

    /// Found reviewing the parsers after the XMP finding (the exif_reader harness had not reached
    /// it): an OffsetTimeOriginal of "+01:9223372036854775807" overflowed `minutes * 60` and
    /// trapped. An offset with impossible minutes is ignored; the time is read as UTC.
    @Test func offsetWithAHugeMinuteCountIsIgnored() throws {
        #expect(ExifDate.offsetSeconds("+01:9223372036854775807") == nil)
        #expect(ExifDate.offsetSeconds("+01:60") == nil)
        #expect(ExifDate.offsetSeconds("-05:30") == -19800)
        let block = ExifFixture.tiff(ifd0: [(0x010F, .ascii("Canon"))], exif: [
            (0x9003, .ascii("2024:06:01 14:03:22")), (0x9011, .ascii("+01:9223372036854775807")),
        ], gps: [])
        let exif = try #require(ExifReader.read(block))
        #expect(exif.capturedAt == ExifDate.instant("2024:06:01 14:03:22", offset: nil))
    }

    /// libexif 0.6.24 formats an SRATIONAL with `abs(denominator)`, undefined for −2³¹ (UBSan in
    /// an instrumented libexif). The fuzzed block stores Make as SRATIONAL; ExifReader no longer
    /// asks libexif to format a text field of the wrong type, and drops it.
    @Test func textFieldOfANumericTypeIsDropped() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("exif/exif-srational-int-min"))
        #expect(ExifReader.read(data)?.make == nil)
    }

    /// libvips formats every EXIF entry with libexif while loading a header, so the same block in
    /// a JPEG reaches the undefined behaviour inside libvips, out of Stockroom's hands (harmless as
    /// Debian compiles it, Docs/security.md): the photo is still described and rendered.
    @Test func jpegCarryingTheBlockIsDescribedAndRendered() throws {
        let directory = TemporaryDirectory()
        let engine = try LibMediaEngine()
        let block = try Data(contentsOf: Self.fixtures.appendingPathComponent("exif/exif-srational-int-min"))
        let url = directory.file("srational.jpg")
        try GeneratedImage.jpeg(try GeneratedImage.jpeg(width: 16, height: 8), withExif: block).write(to: url)
        let description = try engine.describe(fileAt: url, sidecar: nil)
        #expect(description.image?.width == 16 && description.image?.height == 8)
        #expect(description.exif?.make == nil)
        let outcomes = try engine.render(fileAt: url, description: description, recipes: [RenditionRecipe(name: "T", width: 64)])
        guard case let .rendered(image) = try #require(outcomes.first) else {
            Issue.record("no rendition: \(outcomes)")
            return
        }
        #expect(image.width == 16 && image.height == 8)
    }
}

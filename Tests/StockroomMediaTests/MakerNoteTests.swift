import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// The ISO of cameras that record it only in their maker note (older Canon compacts), read
/// through libexif's maker-note API and checked against exiftool's own Composite:ISO for the
/// same generated JPEG.
@Suite("Maker-note camera fields")
struct MakerNoteTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine()
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var settings: CanonMakerNoteFixture.Settings
        var iso: Int?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        // Auto ISO: BaseISO 2^(160/32) × 100/32 = 100, AutoISO 2^(32/32) × 100 = 200 → 200.
        Case(label: "auto ISO from ShotInfo", settings: .init(cameraISO: 15, autoISO: 32, baseISO: 160), iso: 200),
        Case(label: "auto ISO at the base", settings: .init(cameraISO: 15, autoISO: 0, baseISO: 192), iso: 200),
        Case(label: "CameraISO lookup (17 = ISO 100)", settings: .init(cameraISO: 17, autoISO: 32, baseISO: 160), iso: 100),
        Case(label: "CameraISO 400", settings: .init(cameraISO: 19), iso: 400),
        Case(label: "CameraISO as a value (S3 IS)", settings: .init(cameraISO: 0x4000 | 250), iso: 250),
        Case(label: "standard EXIF ISO wins", settings: .init(cameraISO: 17, isoSpeedRatings: 400), iso: 400),
        Case(label: "no BaseISO recorded", settings: .init(cameraISO: 15, autoISO: 32, baseISO: 0), iso: nil),
    ]

    @Test("ISO from the Canon maker note, as exiftool reads it", arguments: cases)
    func canonISO(_ testCase: Case) throws {
        let url = directory.file("canon-\(UUID().uuidString).jpg")
        let jpeg = GeneratedImage.jpeg(try GeneratedImage.jpeg(width: 8, height: 6), withExif: CanonMakerNoteFixture.exif(testCase.settings))
        try jpeg.write(to: url)

        let exif = try #require(try engine.describe(fileAt: url, sidecar: nil).exif)
        #expect(exif.make == "Canon")
        #expect(exif.model == "Canon PowerShot A80")
        #expect(exif.iso == testCase.iso, "\(testCase.label): \(String(describing: exif.iso))")
        #expect(try Self.exiftoolISO(url) == testCase.iso, "exiftool disagrees with the fixture for \(testCase.label)")
    }

    @Test func makerNoteOfAnotherMakeIsNotReadAsCanon() throws {
        var settings = CanonMakerNoteFixture.Settings(cameraISO: 19)
        settings.make = "Nikon"
        let url = directory.file("nikon.jpg")
        try GeneratedImage.jpeg(try GeneratedImage.jpeg(width: 8, height: 6), withExif: CanonMakerNoteFixture.exif(settings)).write(to: url)
        let exif = try #require(try engine.describe(fileAt: url, sidecar: nil).exif)
        #expect(exif.make == "Nikon")
        #expect(exif.iso == nil)
    }

    /// exiftool's Composite:ISO (numeric), or nil when it computes none.
    private static func exiftoolISO(_ url: URL) throws -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["exiftool", "-j", "-n", "-ISO", url.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let objects = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        guard let value = objects?.first?["ISO"] else { return nil }
        return (value as? NSNumber).map { Int($0.doubleValue.rounded()) }
    }
}

import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomTestSupport

@Suite("Watch folders: open writers, undecodable files, readable failures", .serialized)
struct WatchCompletenessTests {
    let dir = TemporaryDirectory()

    @Test("a file held open by its writer through pauses longer than the settle interval becomes one version with all its bytes")
    func heldOpenWriter() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let watch = try ContainedWatch(home: home, drop: drop, runner: Fixtures.runner(home), settle: 0.4)
        let bytes = try Data(contentsOf: Corpus.file("images/orientation-landscape-1.jpg"))
        let target = drop.appendingPathComponent("held.jpg")
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        let writer = try FileHandle(forWritingTo: target)
        let third = bytes.count / 3
        for (index, range) in [0..<third, third..<(2 * third), (2 * third)..<bytes.count].enumerated() {
            try writer.write(contentsOf: bytes[range])
            if index < 2 {
                // Three times the settle interval with the file open and unchanged.
                try await Task.sleep(for: .milliseconds(1300))
                #expect(!watch.log.events.contains { $0.event == .queued }, "handed over while its writer had it open (after part \(index + 1))")
            }
        }
        try writer.close()
        #expect(await waitUntil { !watch.log.finished("held.jpg").isEmpty })
        await watch.shutdown()
        let done = watch.log.finished("held.jpg")
        #expect(done.map(\.event) == [.ingested])
        let asset = try #require(try home.catalog.asset(id: done[0].assetId!))
        #expect(asset.byteSize == Int64(bytes.count))
        #expect(try home.catalog.versions(assetId: asset.id!).count == 1)
    }

    @Test("a process holding a file open for writing is seen in /proc, whatever inotify said")
    func openWritersInProc() throws {
        let file = dir.file("open.bin")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
        let other = dir.file("closed.bin")
        _ = FileManager.default.createFile(atPath: other.path, contents: Data("y".utf8))
        let reader = try FileHandle(forReadingFrom: other)
        defer { try? reader.close() }
        let writer = try FileHandle(forWritingTo: file)
        #expect(OpenFileWriters.held([file.path, other.path]) == [file.path])
        try writer.close()
        #expect(OpenFileWriters.held([file.path, other.path]).isEmpty)
    }

    @Test("truncated JPEG and GIF whose pixels do not decode are quarantined with their reason, never catalogued without renditions")
    func undecodablePixels() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let watch = try ContainedWatch(home: home, drop: drop, runner: Fixtures.runner(home))
        for name in ["truncated.jpg", "truncated.gif"] {
            try FileManager.default.copyItem(at: Corpus.file("malformed/\(name)"), to: drop.appendingPathComponent(name))
        }
        #expect(await waitUntil { !watch.log.finished("truncated.jpg").isEmpty && !watch.log.finished("truncated.gif").isEmpty })
        await watch.shutdown()
        for name in ["truncated.jpg", "truncated.gif"] {
            let event = try #require(watch.log.finished(name).first)
            #expect(event.event == .failed, "\(name): \(event.event)")
            #expect(event.reason?.isEmpty == false && event.reason?.contains("\n") == false, "\(name): \(event.reason ?? "")")
            #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent(".stockroom-failed/\(name).error.json").path))
        }
        #expect(try home.catalog.assets(libraryId: nil, limit: 10, offset: 0).isEmpty)
        #expect(try home.catalog.failures(includeResolved: false).count == 2)
    }

    @Test("a failure buried in hundreds of library warnings reads as one line; the full text stays in the failure row and NAME.error.json")
    func oneLineReason() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let watch = try ContainedWatch(home: home, drop: drop, runner: Fixtures.runner(home))
        let staged = try MediaWorkerFixtures.warningTIFF(unknownTags: 100, to: dir.file("noisy.tif"))
        try FileManager.default.moveItem(at: staged, to: drop.appendingPathComponent("noisy.tif"))
        #expect(await waitUntil { !watch.log.finished("noisy.tif").isEmpty })
        await watch.shutdown()
        let event = try #require(watch.log.finished("noisy.tif").first)
        #expect(event.event == .failed)
        let reason = try #require(event.reason)
        #expect(!reason.contains("\n") && reason.count <= FailureReason.maximumLength + 40, "\(reason)")
        #expect(reason.hasPrefix("corrupt file: cannot decode the tiff image: noisy.tif: bad seek to 9000000 (+"), "\(reason)")
        #expect(reason.hasSuffix(" more warnings)"))
        let failure = try #require(try home.catalog.failures(includeResolved: false).first)
        #expect(failure.reason == reason)
        let details = try #require(failure.details)
        // libvips keeps up to 10 kB of messages; here, every bad seek libtiff reported.
        #expect(FailureReason.messages(in: details).count > 50, "the full text: \(details.count) characters")
        let blobRoot = try #require(home.blobs as? DiskBlobStore).root
        #expect(!details.contains(blobRoot.path), "names the file, not its blob")
        let report = try JSONDecoder.stockroom.decode([String: String].self,
                                                      from: Data(contentsOf: drop.appendingPathComponent(".stockroom-failed/noisy.tif.error.json")))
        #expect(report["reason"] == reason && report["details"] == details)
    }

    @Test("a reason of concatenated warnings: the first cause, then how many more", arguments: [
        (String(repeating: "TIFFReadDirectory: Warning, Unknown field with tag 40000 (0x9c40) encountered.\n", count: 250)
            + "tiff2vips: read error",
         "tiff2vips: read error (+250 more warnings)"),
        ("corrupt file: cannot decode the tiff image: TIFFReadDirectory: Warning, Unknown field with tag 1 encountered.\n"
            + "TIFFReadDirectory: Warning, Unknown field with tag 2 encountered.\nTIFFFillStrip: Read error on strip 0",
         "corrupt file: cannot decode the tiff image: TIFFFillStrip: Read error on strip 0 (+2 more warnings)"),
        ("libvips: VipsJpeg: Premature end of JPEG file\nVipsJpeg: out of order read at line 48",
         "libvips: VipsJpeg: Premature end of JPEG file (+1 more warning)"),
        ("the file is missing", "the file is missing"),
        ("corrupt file: cannot decode the tiff image: a.tif: bad seek to 9000000; a.tif: bad seek to 9000000; "
            + "TIFFFetchNormalTag: Incorrect count for \"Foo\"; tag ignored; tiff2vips: read error",
         "corrupt file: cannot decode the tiff image: a.tif: bad seek to 9000000 (+3 more warnings)"),
    ])
    func summaries(_ text: String, _ expected: String) {
        let reason = FailureReason(text)
        #expect(reason.summary == expected)
        #expect(reason.details == (expected == text ? nil : text))
    }
}

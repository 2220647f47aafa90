import Foundation
import Testing
import ZIPFoundation
@testable import StockroomServer

@Suite("Streaming ZIP writer and byte ranges")
struct ZipAndRangeTests {
    @Test func streamedArchiveReadsBackWithCRCsAndNames() throws {
        let files: [(String, Data)] = [
            ("a.txt", Data("hello".utf8)),
            ("empty.bin", Data()),
            ("naïve café.jpg", Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })),
        ]
        var encoder = ZipStreamEncoder()
        var out = Data()
        let when = ISO8601DateFormatter().date(from: "2024-06-01T12:30:44Z")!
        for (name, bytes) in files {
            out.append(contentsOf: try encoder.beginEntry(name: name, size: UInt64(bytes.count), modified: when))
            var crc = CRC32()
            // Feed in uneven chunks as the server does.
            var offset = 0
            while offset < bytes.count {
                let chunk = bytes[offset..<min(bytes.count, offset + 70_001)]
                crc.update(chunk)
                out.append(chunk)
                offset += chunk.count
            }
            out.append(contentsOf: try encoder.endEntry(crc: crc.value, bytesWritten: UInt64(bytes.count)))
        }
        out.append(contentsOf: try encoder.finish())
        #expect(encoder.offset == UInt64(out.count))

        let archive = try Archive(data: out, accessMode: .read)
        let entries = Array(archive)
        #expect(entries.map(\.path) == files.map(\.0))
        for (entry, file) in zip(entries, files) {
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            #expect(data == file.1)
            #expect(entry.fileAttributes[.modificationDate] != nil)
        }
    }

    /// 70,000 entries overflow the classic end record's 16-bit count: the ZIP64 end records must carry it.
    @Test func archivesWithMoreThan65535EntriesUseZip64EndRecords() throws {
        var encoder = ZipStreamEncoder()
        var out = Data()
        var empty = CRC32()
        empty.update([UInt8]())
        for i in 0..<70_000 {
            out.append(contentsOf: try encoder.beginEntry(name: "f\(i)", size: 0, modified: Date(timeIntervalSince1970: 1_700_000_000)))
            out.append(contentsOf: try encoder.endEntry(crc: empty.value, bytesWritten: 0))
        }
        out.append(contentsOf: try encoder.finish())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip64-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try out.write(to: file)
        let script = "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); n=z.namelist(); assert z.testzip() is None; print(len(n), n[-1])"
        #expect(try ShareFixture.run("/usr/bin/python3", ["-c", script, file.path]).trimmingCharacters(in: .whitespacesAndNewlines) == "70000 f69999")
    }

    @Test func knownCRC32() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
    }

    @Test func namesAreFlattenedAndDeduplicated() {
        #expect(ZipStreamEncoder.uniqueNames(["a.jpg", "A.jpg", "../../etc/passwd", "dir\\x.jpg", ".hidden", "a.jpg", ""])
            == ["a.jpg", "A (2).jpg", "passwd", "x.jpg", "hidden", "a (3).jpg", "file"])
    }

    @Test func rangesParseLikeRFC9110() {
        #expect(ByteRange.parse(nil, size: 100) == .whole)
        #expect(ByteRange.parse("bytes=0-9", size: 100) == .partial(ByteRange(start: 0, end: 9)))
        #expect(ByteRange.parse("bytes=90-", size: 100) == .partial(ByteRange(start: 90, end: 99)))
        #expect(ByteRange.parse("bytes=-10", size: 100) == .partial(ByteRange(start: 90, end: 99)))
        #expect(ByteRange.parse("bytes=-500", size: 100) == .partial(ByteRange(start: 0, end: 99)))
        #expect(ByteRange.parse("bytes=50-5000", size: 100) == .partial(ByteRange(start: 50, end: 99)))
        #expect(ByteRange.parse("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=9-3", size: 100) == .whole)
    }
}

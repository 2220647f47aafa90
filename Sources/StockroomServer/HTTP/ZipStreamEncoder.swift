import Foundation

/// Writes a ZIP archive front to back without knowing the entries' CRCs in advance, so an
/// archive can be streamed as it is read: each entry is a local header, the bytes as they are
/// (STORE: media is already compressed), then a data descriptor with the CRC; the central
/// directory comes last. ZIP64 records are used only when sizes or offsets need them.
///
/// Misuse and files that change size while streaming throw `ZipStreamError`: the response that
/// carries the archive ends there, and the server goes on.
struct ZipStreamEncoder {
    private struct Entry {
        var name: [UInt8]
        var offset: UInt64
        var size: UInt64
        var crc: UInt32
        var dosTime: UInt16
        var dosDate: UInt16
        var zip64: Bool
    }

    private var entries: [Entry] = []
    private var pending: Entry?
    /// Bytes emitted so far (headers and data).
    private(set) var offset: UInt64 = 0

    private static let flags: UInt16 = 0x0808  // bit 3: sizes in the data descriptor; bit 11: UTF-8 names

    /// The local header of the next entry, whose data (`size` bytes) the caller writes right after.
    mutating func beginEntry(name: String, size: UInt64, modified: Date) throws(ZipStreamError) -> [UInt8] {
        guard pending == nil else { throw .entryStillOpen }
        let (time, date) = Self.dosDateTime(modified)
        let zip64 = size >= 0xFFFF_FFFF || offset >= 0xFFFF_FFFF
        let entry = Entry(name: Array(name.utf8), offset: offset, size: size, crc: 0, dosTime: time, dosDate: date, zip64: zip64)
        var out: [UInt8] = []
        out.le32(0x0403_4B50)
        out.le16(zip64 ? 45 : 20)
        out.le16(Self.flags)
        out.le16(0)  // STORE
        out.le16(time)
        out.le16(date)
        out.le32(0)  // CRC, in the data descriptor
        out.le32(zip64 ? 0xFFFF_FFFF : 0)
        out.le32(zip64 ? 0xFFFF_FFFF : 0)
        out.le16(UInt16(entry.name.count))
        out.le16(zip64 ? 20 : 0)
        out.append(contentsOf: entry.name)
        if zip64 {
            out.le16(0x0001)
            out.le16(16)
            out.le64(0)
            out.le64(0)
        }
        offset += UInt64(out.count)
        pending = entry
        return out
    }

    /// The data descriptor closing the current entry, once its `size` bytes went out with this CRC.
    mutating func endEntry(crc: UInt32, bytesWritten: UInt64) throws(ZipStreamError) -> [UInt8] {
        guard var entry = pending else { throw .noEntryOpen }
        guard bytesWritten == entry.size else {
            throw .sizeChanged(name: String(decoding: entry.name, as: UTF8.self), expected: entry.size, written: bytesWritten)
        }
        entry.crc = crc
        offset += bytesWritten
        var out: [UInt8] = []
        out.le32(0x0807_4B50)
        out.le32(crc)
        if entry.zip64 {
            out.le64(entry.size)
            out.le64(entry.size)
        } else {
            out.le32(UInt32(entry.size))
            out.le32(UInt32(entry.size))
        }
        offset += UInt64(out.count)
        entries.append(entry)
        pending = nil
        return out
    }

    /// The central directory and end records.
    mutating func finish() throws(ZipStreamError) -> [UInt8] {
        guard pending == nil else { throw .entryStillOpen }
        let directoryOffset = offset
        var out: [UInt8] = []
        for entry in entries {
            let needsSize = entry.size >= 0xFFFF_FFFF
            let needsOffset = entry.offset >= 0xFFFF_FFFF
            var extra: [UInt8] = []
            if needsSize || needsOffset {
                var fields: [UInt8] = []
                if needsSize { fields.le64(entry.size); fields.le64(entry.size) }
                if needsOffset { fields.le64(entry.offset) }
                extra.le16(0x0001)
                extra.le16(UInt16(fields.count))
                extra.append(contentsOf: fields)
            }
            out.le32(0x0201_4B50)
            out.le16(0x0300 | 45)  // made by: Unix, spec 4.5
            out.le16(entry.zip64 || needsOffset ? 45 : 20)
            out.le16(Self.flags)
            out.le16(0)
            out.le16(entry.dosTime)
            out.le16(entry.dosDate)
            out.le32(entry.crc)
            out.le32(needsSize ? 0xFFFF_FFFF : UInt32(entry.size))
            out.le32(needsSize ? 0xFFFF_FFFF : UInt32(entry.size))
            out.le16(UInt16(entry.name.count))
            out.le16(UInt16(extra.count))
            out.le16(0)  // comment
            out.le16(0)  // disk
            out.le16(0)  // internal attributes
            out.le32(UInt32(0o100644) << 16)  // regular file, rw-r--r--
            out.le32(needsOffset ? 0xFFFF_FFFF : UInt32(entry.offset))
            out.append(contentsOf: entry.name)
            out.append(contentsOf: extra)
        }
        let directorySize = UInt64(out.count)
        let count = UInt64(entries.count)
        let needsZip64 = count >= 0xFFFF || directoryOffset >= 0xFFFF_FFFF || directorySize >= 0xFFFF_FFFF
        if needsZip64 {
            let zip64EndOffset = directoryOffset + directorySize
            out.le32(0x0606_4B50)
            out.le64(44)
            out.le16(0x0300 | 45)
            out.le16(45)
            out.le32(0)
            out.le32(0)
            out.le64(count)
            out.le64(count)
            out.le64(directorySize)
            out.le64(directoryOffset)
            out.le32(0x0706_4B50)
            out.le32(0)
            out.le64(zip64EndOffset)
            out.le32(1)
        }
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(needsZip64 ? 0xFFFF : UInt16(count))
        out.le16(needsZip64 ? 0xFFFF : UInt16(count))
        out.le32(needsZip64 ? 0xFFFF_FFFF : UInt32(directorySize))
        out.le32(needsZip64 ? 0xFFFF_FFFF : UInt32(directoryOffset))
        out.le16(0)
        offset += UInt64(out.count)
        return out
    }

    /// MS-DOS date and time (local fields, 2-second resolution), in UTC.
    static func dosDateTime(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = max(1980, min(2107, c.year ?? 1980))
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16((year - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }

    /// Names for the archive: the files' own names made safe (no directories, no "..") and made
    /// unique by numbering clashes "name (2).ext".
    static func uniqueNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { raw in
            var base = raw.replacingOccurrences(of: "\\", with: "/").split(separator: "/").last.map(String.init) ?? ""
            base = String(base.drop(while: { $0 == "." })).filter { !$0.isNewline && $0 != "\0" }
            if base.isEmpty { base = "file" }
            var candidate = base
            var n = 2
            while used.contains(candidate.lowercased()) {
                let ext = (base as NSString).pathExtension
                let stem = (base as NSString).deletingPathExtension
                candidate = ext.isEmpty ? "\(stem) (\(n))" : "\(stem) (\(n)).\(ext)"
                n += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }
    }
}

/// A zip that cannot be written as asked.
enum ZipStreamError: Error, Equatable, CustomStringConvertible {
    case entryStillOpen
    case noEntryOpen
    case sizeChanged(name: String, expected: UInt64, written: UInt64)

    var description: String {
        switch self {
        case .entryStillOpen: return "zip entry still open"
        case .noEntryOpen: return "no zip entry is open"
        case let .sizeChanged(name, expected, written): return "zip entry \(name) changed size while streaming (\(expected) bytes expected, \(written) written)"
        }
    }
}

private extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
    mutating func le64(_ v: UInt64) { for i in 0..<8 { append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
}

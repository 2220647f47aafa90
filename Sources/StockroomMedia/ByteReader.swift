import Foundation

/// A cursor over untrusted bytes: every read is bounds-checked and a short read throws
/// `MediaError.corrupt` naming what was being read, so a parser never indexes past the end.
struct ByteReader {
    let bytes: Data
    /// Offset from `bytes.startIndex`.
    private(set) var offset: Int
    /// What the bytes are, for error messages: "PSD".
    let label: String

    init(_ bytes: Data, label: String) {
        self.bytes = bytes
        self.offset = 0
        self.label = label
    }

    var count: Int { bytes.count }
    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    func fail(_ what: String) -> MediaError {
        .corrupt("\(label): \(what) at byte \(offset) runs past the end of the file (\(bytes.count) bytes)")
    }

    mutating func seek(to position: Int, _ what: String) throws(MediaError) {
        guard position >= 0, position <= bytes.count else {
            throw .corrupt("\(label): \(what) points to byte \(position), outside the file (\(bytes.count) bytes)")
        }
        offset = position
    }

    mutating func skip(_ length: Int, _ what: String) throws(MediaError) {
        guard length >= 0, length <= remaining else { throw fail(what) }
        offset += length
    }

    mutating func uint8(_ what: String) throws(MediaError) -> UInt8 {
        guard remaining >= 1 else { throw fail(what) }
        defer { offset += 1 }
        return bytes[bytes.startIndex + offset]
    }

    mutating func uint16(_ what: String) throws(MediaError) -> UInt16 {
        guard remaining >= 2 else { throw fail(what) }
        let base = bytes.startIndex + offset
        offset += 2
        return UInt16(bytes[base]) << 8 | UInt16(bytes[base + 1])
    }

    mutating func int16(_ what: String) throws(MediaError) -> Int16 {
        Int16(bitPattern: try uint16(what))
    }

    mutating func uint32(_ what: String) throws(MediaError) -> UInt32 {
        guard remaining >= 4 else { throw fail(what) }
        let base = bytes.startIndex + offset
        offset += 4
        return UInt32(bytes[base]) << 24 | UInt32(bytes[base + 1]) << 16 | UInt32(bytes[base + 2]) << 8 | UInt32(bytes[base + 3])
    }

    mutating func int32(_ what: String) throws(MediaError) -> Int32 {
        Int32(bitPattern: try uint32(what))
    }

    mutating func uint64(_ what: String) throws(MediaError) -> UInt64 {
        let high = UInt64(try uint32(what))
        return high << 32 | UInt64(try uint32(what))
    }

    /// A length field of 4 or 8 bytes (PSB widens several to 8), as an `Int` that fits the rest
    /// of the file.
    mutating func length(wide: Bool, _ what: String) throws(MediaError) -> Int {
        let value = wide ? try uint64(what) : UInt64(try uint32(what))
        guard value <= UInt64(remaining) else {
            throw .corrupt("\(label): \(what) declares \(value) bytes, more than the \(remaining) left in the file")
        }
        return Int(value)
    }

    mutating func data(_ length: Int, _ what: String) throws(MediaError) -> Data {
        guard length >= 0, length <= remaining else { throw fail(what) }
        let base = bytes.startIndex + offset
        offset += length
        return bytes.subdata(in: base..<(base + length))
    }

    mutating func ascii(_ length: Int, _ what: String) throws(MediaError) -> String {
        String(decoding: try data(length, what), as: UTF8.self)
    }

    /// A sub-reader over the next `length` bytes, which are skipped in this one. It shares the
    /// bytes (a Photoshop layer section can be gigabytes of a memory-mapped file): no copy.
    mutating func slice(_ length: Int, _ what: String) throws(MediaError) -> ByteReader {
        guard length >= 0, length <= remaining else { throw fail(what) }
        let base = bytes.startIndex + offset
        offset += length
        return ByteReader(bytes[base..<(base + length)], label: label)
    }

    /// The bytes from `offset` to the end, without advancing.
    var rest: Data { bytes.subdata(in: (bytes.startIndex + offset)..<bytes.endIndex) }
}

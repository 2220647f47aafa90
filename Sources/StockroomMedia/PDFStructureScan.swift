import Foundation

/// What can be read from a PDF's bytes without a PDF parser: the header version, whether the
/// trailer names an /Encrypt dictionary, a metadata stream left in clear text, the page tree's
/// /Count and Illustrator's private data. Used for encrypted files poppler cannot open, and for
/// the encryption flag poppler's GLib API does not expose. A pure function over bytes.
struct PDFStructureScan: Equatable {
    var version: String?
    var encrypted = false
    /// The largest /Count of a /Type /Pages dictionary outside object streams (nil when every
    /// page tree node is compressed or encrypted).
    var pageCount: Int?
    /// An XMP packet stored unencrypted (`/EncryptMetadata false`, or no encryption).
    var xmp: XMPInfo?
    var xmpCreatorTool: String?
    /// Illustrator's PieceInfo (`/AIPrivateData`, `/Illustrator`) or creator.
    var isIllustrator = false

    /// Trailers and linearization dictionaries sit within this many bytes of either end.
    static let window = 4 << 20

    static func scan(_ bytes: Data) -> PDFStructureScan {
        var result = PDFStructureScan()
        let head = min(bytes.count, window)
        let tailStart = max(0, bytes.count - window)
        if let header = ByteSearch.first("%PDF-", in: bytes, to: min(bytes.count, 1024)) {
            let start = header + 5
            var end = start
            while end < min(bytes.count, start + 8), case let byte = bytes[bytes.startIndex + end], (0x30...0x39).contains(byte) || byte == 0x2E {
                end += 1
            }
            if end > start { result.version = String(decoding: bytes[(bytes.startIndex + start)..<(bytes.startIndex + end)], as: UTF8.self) }
        }
        result.encrypted = hasEncryptKey(bytes, from: 0, to: head) || hasEncryptKey(bytes, from: tailStart, to: bytes.count)
        result.pageCount = pageTreeCount(bytes)
        if let packet = xmpPacket(bytes) {
            result.xmp = XMPPacketParser.parse(packet)
            result.xmpCreatorTool = creatorTool(in: packet)
        }
        result.isIllustrator = ["/AIPrivateData", "/Illustrator "].contains { marker in
            ByteSearch.first(marker, in: bytes, to: head) != nil || ByteSearch.first(marker, in: bytes, from: tailStart) != nil
        } || (result.xmpCreatorTool?.contains("Illustrator") ?? false)
        return result
    }

    /// `/Encrypt` as a key (followed by a space, a digit or `<<`), not `/EncryptMetadata`.
    private static func hasEncryptKey(_ bytes: Data, from start: Int, to end: Int) -> Bool {
        for offset in ByteSearch.all("/Encrypt", in: bytes, from: start, to: end, limit: 64) {
            let next = offset + 8
            guard next < bytes.count else { continue }
            let byte = bytes[bytes.startIndex + next]
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if !isLetter { return true }
        }
        return false
    }

    private static func pageTreeCount(_ bytes: Data) -> Int? {
        var best: Int?
        for marker in ["/Type/Pages", "/Type /Pages"] {
            for offset in ByteSearch.all(marker, in: bytes, limit: 4096) {
                // The node's own dictionary: look for /Count within a few hundred bytes either side.
                let from = max(0, offset - 512)
                let to = min(bytes.count, offset + 512)
                guard let count = ByteSearch.first("/Count", in: bytes, from: from, to: to) else { continue }
                var index = count + 6
                while index < to, bytes[bytes.startIndex + index] == 0x20 { index += 1 }
                var value = 0
                var digits = 0
                while index < to, digits < 9, case let byte = bytes[bytes.startIndex + index], byte >= 0x30, byte <= 0x39 {
                    value = value * 10 + Int(byte - 0x30)
                    digits += 1
                    index += 1
                }
                if digits > 0 { best = max(best ?? 0, value) }
            }
        }
        return best
    }

    private static func xmpPacket(_ bytes: Data) -> Data? {
        guard let start = ByteSearch.first("<x:xmpmeta", in: bytes) else { return nil }
        let limit = min(bytes.count, start + XMPPacketParser.maximumSize)
        guard let end = ByteSearch.first("</x:xmpmeta>", in: bytes, from: start, to: limit) else { return nil }
        return bytes.subdata(in: (bytes.startIndex + start)..<(bytes.startIndex + end + 12))
    }

    /// xmp:CreatorTool, as an element or an attribute.
    private static func creatorTool(in packet: Data) -> String? {
        let text = String(decoding: packet, as: UTF8.self)
        if let range = text.range(of: "<xmp:CreatorTool>"), let end = text.range(of: "</xmp:CreatorTool>", range: range.upperBound..<text.endIndex) {
            return String(text[range.upperBound..<end.lowerBound])
        }
        if let range = text.range(of: "xmp:CreatorTool=\"") , let end = text.range(of: "\"", range: range.upperBound..<text.endIndex) {
            return String(text[range.upperBound..<end.lowerBound])
        }
        return nil
    }
}

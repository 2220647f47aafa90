import Foundation

/// Removes metadata chunks from a WebP file. libvips 8.14.1's webpsave ignores `strip` and always
/// writes a regenerated EXIF block (and XMP when present), so derivatives are cleaned here.
enum WebPMetadataChunks {
    /// The WebP without its ICCP and XMP chunks, and without EXIF unless `keepEXIF`. Returns the
    /// input unchanged when it is not a well-formed extended WebP.
    static func strip(_ webp: Data, keepEXIF: Bool) -> Data {
        let bytes = [UInt8](webp)
        guard bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
              Array(bytes[8..<12]) == Array("WEBP".utf8) else { return webp }
        var chunks: [(fourCC: String, payload: ArraySlice<UInt8>)] = []
        var position = 12
        while position + 8 <= bytes.count {
            let fourCC = String(decoding: bytes[position..<(position + 4)], as: UTF8.self)
            let size = Int(bytes[position + 4]) | Int(bytes[position + 5]) << 8 | Int(bytes[position + 6]) << 16 | Int(bytes[position + 7]) << 24
            let start = position + 8
            guard size >= 0, start + size <= bytes.count else { return webp }
            chunks.append((fourCC, bytes[start..<(start + size)]))
            position = start + size + (size & 1)
        }
        let removed: Set<String> = keepEXIF ? ["ICCP", "XMP "] : ["ICCP", "XMP ", "EXIF"]
        let kept = chunks.filter { !removed.contains($0.fourCC) }
        guard kept.count != chunks.count else { return webp }

        var body: [UInt8] = Array("WEBP".utf8)
        for chunk in kept {
            var payload = Array(chunk.payload)
            if chunk.fourCC == "VP8X", !payload.isEmpty {
                // Feature flags: ICC 0x20, EXIF 0x08, XMP 0x04.
                payload[0] &= ~UInt8(0x20 | 0x04 | (keepEXIF ? 0 : 0x08))
            }
            body += Array(chunk.fourCC.utf8) + le32(payload.count) + payload
            if payload.count & 1 == 1 { body.append(0) }
        }
        return Data(Array("RIFF".utf8) + le32(body.count) + body)
    }

    private static func le32(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
    }
}

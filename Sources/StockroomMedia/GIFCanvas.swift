import Foundation

/// The pixel area a GIF asks for, read from its logical screen and frame descriptors without
/// decoding. libnsgif refuses some hostile files outright ("no frames"), which would hide a
/// decompression bomb behind a vague error; reading the declared sizes first names it.
struct GIFCanvas: Equatable {
    var width: Int
    var height: Int
    var frames: Int

    /// nil when the bytes are not a GIF header.
    static func read(_ data: Data) -> GIFCanvas? {
        let bytes = [UInt8](data)
        guard bytes.count >= 13, bytes.starts(with: Array("GIF8".utf8)) else { return nil }
        func le16(_ offset: Int) -> Int? {
            guard offset + 2 <= bytes.count else { return nil }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        }
        var canvas = GIFCanvas(width: le16(6) ?? 0, height: le16(8) ?? 0, frames: 0)
        var position = 13
        let screenFlags = bytes[10]
        if screenFlags & 0x80 != 0 { position += 3 << (Int(screenFlags & 0x07) + 1) }

        func skipSubBlocks() {
            while position < bytes.count {
                let length = Int(bytes[position])
                position += 1 + length
                if length == 0 { return }
            }
        }

        while position < bytes.count {
            switch bytes[position] {
            case 0x21: // extension: label, then data sub-blocks
                position += 2
                skipSubBlocks()
            case 0x2C: // image descriptor
                guard let left = le16(position + 1), let top = le16(position + 3),
                      let width = le16(position + 5), let height = le16(position + 7),
                      position + 9 < bytes.count else { return canvas }
                canvas.width = max(canvas.width, left + width)
                canvas.height = max(canvas.height, top + height)
                canvas.frames += 1
                let flags = bytes[position + 9]
                position += 10
                if flags & 0x80 != 0 { position += 3 << (Int(flags & 0x07) + 1) }
                position += 1 // LZW minimum code size
                skipSubBlocks()
            default: // 0x3B trailer, or garbage
                return canvas
            }
        }
        return canvas
    }

    var pixels: Int { width * height * max(frames, 1) }
}

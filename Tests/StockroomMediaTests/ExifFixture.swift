import Foundation

/// Builds a little-endian TIFF/EXIF structure with chosen entries, for EXIF values no corpus file
/// carries (southern/western GPS, below-sea-level altitude, an offset time).
enum ExifFixture {
    enum Value {
        case ascii(String)
        case byte(UInt8)
        case short(UInt16)
        case long(UInt32)
        case rationals([(UInt32, UInt32)])

        var type: UInt16 {
            switch self {
            case .byte: return 1
            case .ascii: return 2
            case .short: return 3
            case .long: return 4
            case .rationals: return 5
            }
        }

        var count: UInt32 {
            switch self {
            case let .ascii(text): return UInt32(text.utf8.count + 1)
            case .byte, .short, .long: return 1
            case let .rationals(values): return UInt32(values.count)
            }
        }

        var bytes: [UInt8] {
            switch self {
            case let .ascii(text): return Array(text.utf8) + [0]
            case let .byte(value): return [value]
            case let .short(value): return le16(value)
            case let .long(value): return le32(value)
            case let .rationals(values): return values.flatMap { le32($0.0) + le32($0.1) }
            }
        }
    }

    typealias Entry = (tag: UInt16, value: Value)

    static func tiff(ifd0: [Entry], exif: [Entry], gps: [Entry]) -> Data {
        func size(_ count: Int) -> Int { 2 + 12 * count + 4 }
        let ifd0Offset = 8
        let exifOffset = ifd0Offset + size(ifd0.count + 2)
        let gpsOffset = exifOffset + size(exif.count)
        var dataOffset = gpsOffset + size(gps.count)
        var data: [UInt8] = []

        func write(_ entries: [Entry]) -> [UInt8] {
            var out = le16(UInt16(entries.count))
            for entry in entries.sorted(by: { $0.tag < $1.tag }) {
                out += le16(entry.tag) + le16(entry.value.type) + le32(entry.value.count)
                var bytes = entry.value.bytes
                if bytes.count <= 4 {
                    bytes += [UInt8](repeating: 0, count: 4 - bytes.count)
                    out += bytes
                } else {
                    out += le32(UInt32(dataOffset))
                    if bytes.count % 2 == 1 { bytes.append(0) }
                    data += bytes
                    dataOffset += bytes.count
                }
            }
            return out + le32(0)
        }

        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(UInt32(ifd0Offset))
        tiff += write(ifd0 + [(0x8769, .long(UInt32(exifOffset))), (0x8825, .long(UInt32(gpsOffset)))])
        tiff += write(exif)
        tiff += write(gps)
        return Data(tiff + data)
    }

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

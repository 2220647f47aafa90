import Foundation
internal import CExif
internal import CMediaShim

/// Reads EXIF through libexif from the raw block libvips exposes as "exif-data" (JPEG APP1,
/// HEIF/AVIF, WebP, PNG eXIf and TIFF all end up there).
enum ExifReader {
    private static let exifHeader: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// nil when the block cannot be parsed or holds none of the fields Stockroom reads.
    static func read(_ block: Data) -> ExifInfo? {
        // WebP and HEIF may carry a bare TIFF structure; libexif wants the "Exif\0\0" prefix.
        var bytes = [UInt8](block)
        if !bytes.starts(with: exifHeader) {
            if let tiff = tiffStart(bytes) {
                bytes = exifHeader + bytes[tiff...]
            } else {
                return nil
            }
        }
        guard bytes.count <= Int(UInt32.max), let data = exif_data_new() else { return nil }
        defer { exif_data_unref(data) }
        // Read what is there; do not let libexif invent "mandatory" entries.
        exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        bytes.withUnsafeBufferPointer { buffer in
            exif_data_load_data(data, buffer.baseAddress, UInt32(buffer.count))
        }
        let fields = ExifFields(data: data)
        var info = ExifInfo()
        info.make = fields.text(EXIF_IFD_0, EXIF_TAG_MAKE)
        info.model = fields.text(EXIF_IFD_0, EXIF_TAG_MODEL)
        info.lensModel = fields.text(EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL)
        info.exposureTime = fields.rational(EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME)
        info.fNumber = fields.rational(EXIF_IFD_EXIF, EXIF_TAG_FNUMBER)
        // Older Canon compacts record the ISO only in their maker note.
        info.iso = fields.integer(EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS) ?? CanonMakerNote.iso(in: data, make: info.make)
        info.focalLength = fields.rational(EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH)
        info.focalLength35mm = fields.integer(EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH_IN_35MM_FILM)
        if let flash = fields.integer(EXIF_IFD_EXIF, EXIF_TAG_FLASH) {
            info.flashFired = flash & 1 == 1
            if fields.format(EXIF_IFD_EXIF, EXIF_TAG_FLASH) == EXIF_FORMAT_SHORT {
                info.flash = fields.libexifText(EXIF_IFD_EXIF, EXIF_TAG_FLASH)
            }
        }
        info.dateTimeOriginal = fields.text(EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL)
        info.offsetTimeOriginal = fields.text(EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL)
        if let original = info.dateTimeOriginal {
            info.capturedAt = ExifDate.instant(original, offset: info.offsetTimeOriginal)
        }
        info.gpsLatitude = fields.coordinate(value: GPSTag.latitude, reference: GPSTag.latitudeRef, negative: "S", limit: 90)
        info.gpsLongitude = fields.coordinate(value: GPSTag.longitude, reference: GPSTag.longitudeRef, negative: "W", limit: 180)
        if info.gpsLatitude != nil, let altitude = fields.rational(EXIF_IFD_GPS, GPSTag.altitude), abs(altitude) < 100_000 {
            // AltitudeRef 1 means below sea level.
            let below = fields.integer(EXIF_IFD_GPS, GPSTag.altitudeRef) == 1
            info.gpsAltitude = below ? -altitude : altitude
        }
        if let orientation = fields.integer(EXIF_IFD_0, EXIF_TAG_ORIENTATION), (1...8).contains(orientation) {
            info.orientation = orientation
        }
        info.artist = fields.text(EXIF_IFD_0, EXIF_TAG_ARTIST)
        info.copyright = fields.text(EXIF_IFD_0, EXIF_TAG_COPYRIGHT)
        info.software = fields.text(EXIF_IFD_0, EXIF_TAG_SOFTWARE)
        info.imageDescription = fields.text(EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION)
        return info == ExifInfo() ? nil : info
    }

    /// Offset of a TIFF header ("II*\0" or "MM\0*") near the start of the block.
    private static func tiffStart(_ bytes: [UInt8]) -> Int? {
        let little: [UInt8] = [0x49, 0x49, 0x2A, 0x00]
        let big: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A]
        for offset in 0..<min(bytes.count, 16) where offset + 4 <= bytes.count {
            let window = Array(bytes[offset..<(offset + 4)])
            if window == little || window == big { return offset }
        }
        return nil
    }

    /// GPS tags share numbers with other IFDs' tags; libexif only #defines them.
    private enum GPSTag {
        static let latitudeRef = ExifTag(rawValue: 0x0001)
        static let latitude = ExifTag(rawValue: 0x0002)
        static let longitudeRef = ExifTag(rawValue: 0x0003)
        static let longitude = ExifTag(rawValue: 0x0004)
        static let altitudeRef = ExifTag(rawValue: 0x0005)
        static let altitude = ExifTag(rawValue: 0x0006)
    }
}

/// Typed access to the entries of one parsed ExifData; bounds-checked against each entry's size.
private struct ExifFields {
    let data: UnsafeMutablePointer<ExifData>
    let order: ExifByteOrder

    init(data: UnsafeMutablePointer<ExifData>) {
        self.data = data
        order = exif_data_get_byte_order(data)
    }

    private func entry(_ ifd: ExifIfd, _ tag: ExifTag) -> UnsafeMutablePointer<ExifEntry>? {
        guard let entry = sr_exif_entry(data, ifd, tag), entry.pointee.data != nil, entry.pointee.size > 0 else { return nil }
        return entry
    }

    private func componentSize(_ format: ExifFormat) -> Int {
        Int(exif_format_get_size(format))
    }

    func format(_ ifd: ExifIfd, _ tag: ExifTag) -> ExifFormat? {
        entry(ifd, tag)?.pointee.format
    }

    /// A text field's value. Text stored in any other format is damage and is dropped: handing
    /// it to libexif's formatter is how a fuzzed Make stored as SRATIONAL with a denominator of
    /// −2³¹ reached undefined behaviour in libexif 0.6.24 (abs(INT_MIN), Docs/security.md).
    func text(_ ifd: ExifIfd, _ tag: ExifTag) -> String? {
        guard let entry = entry(ifd, tag) else { return nil }
        let value = entry.pointee
        guard value.format == EXIF_FORMAT_ASCII || value.format == EXIF_FORMAT_UNDEFINED || value.format == EXIF_FORMAT_BYTE else {
            return nil
        }
        let bytes = UnsafeBufferPointer(start: value.data, count: Int(value.size)).prefix { $0 != 0 }
        let decoded = String(validating: Array(bytes), as: UTF8.self)
            ?? String(bytes: Array(bytes), encoding: .isoLatin1) ?? ""
        let trimmed = decoded.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        return trimmed.isEmpty ? nil : trimmed
    }

    /// libexif's own rendering of a value (e.g. "Flash fired, auto mode").
    func libexifText(_ ifd: ExifIfd, _ tag: ExifTag) -> String? {
        guard let entry = entry(ifd, tag) else { return nil }
        var buffer = [CChar](repeating: 0, count: 512)
        guard let text = exif_entry_get_value(entry, &buffer, UInt32(buffer.count)) else { return nil }
        let value = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    func rationals(_ ifd: ExifIfd, _ tag: ExifTag) -> [Double] {
        guard let entry = entry(ifd, tag) else { return [] }
        let value = entry.pointee
        let size = componentSize(value.format)
        let count = min(Int(value.components), size > 0 ? Int(value.size) / size : 0)
        var result: [Double] = []
        for index in 0..<count {
            let pointer = value.data + index * size
            switch value.format {
            case EXIF_FORMAT_RATIONAL:
                let rational = exif_get_rational(pointer, order)
                guard rational.denominator != 0 else { return [] }
                result.append(Double(rational.numerator) / Double(rational.denominator))
            case EXIF_FORMAT_SRATIONAL:
                let rational = exif_get_srational(pointer, order)
                guard rational.denominator != 0 else { return [] }
                result.append(Double(rational.numerator) / Double(rational.denominator))
            default:
                return []
            }
        }
        return result
    }

    func rational(_ ifd: ExifIfd, _ tag: ExifTag) -> Double? {
        rationals(ifd, tag).first.flatMap { $0.isFinite ? $0 : nil }
    }

    func integer(_ ifd: ExifIfd, _ tag: ExifTag) -> Int? {
        guard let entry = entry(ifd, tag) else { return nil }
        let value = entry.pointee
        let size = componentSize(value.format)
        guard value.components > 0, size > 0, Int(value.size) >= size else { return nil }
        switch value.format {
        case EXIF_FORMAT_SHORT: return Int(exif_get_short(value.data, order))
        case EXIF_FORMAT_SSHORT: return Int(exif_get_sshort(value.data, order))
        case EXIF_FORMAT_LONG: return Int(exif_get_long(value.data, order))
        case EXIF_FORMAT_SLONG: return Int(exif_get_slong(value.data, order))
        case EXIF_FORMAT_BYTE, EXIF_FORMAT_UNDEFINED: return Int(value.data[0])
        default: return nil
        }
    }

    /// Degrees, minutes, seconds and an N/S or E/W reference as signed decimal degrees.
    /// nil when the value is outside ±`limit` (stress files and broken writers store garbage).
    func coordinate(value: ExifTag, reference: ExifTag, negative: String, limit: Double) -> Double? {
        let parts = rationals(EXIF_IFD_GPS, value)
        guard !parts.isEmpty else { return nil }
        var degrees = parts[0]
        if parts.count > 1 { degrees += parts[1] / 60 }
        if parts.count > 2 { degrees += parts[2] / 3600 }
        guard degrees.isFinite, degrees <= limit else { return nil }
        if text(EXIF_IFD_GPS, reference)?.uppercased().hasPrefix(negative) == true { degrees = -degrees }
        return degrees
    }
}

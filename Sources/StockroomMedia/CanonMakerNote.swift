import Foundation
internal import CExif

/// Camera fields from a Canon maker note, for cameras whose standard EXIF leaves them out (older
/// PowerShot compacts write no ISOSpeedRatings). libexif decodes the maker note when the Make is
/// Canon (exif_data_get_mnote_data) and names each value of its CameraSettings (tag 1) and
/// ShotInfo (tag 4) arrays.
enum CanonMakerNote {
    private static let cameraSettings: UInt32 = 0x0001
    private static let shotInfo: UInt32 = 0x0004

    /// The ISO as exiftool's Composite:ISO gives it for Canon: CameraSettings' CameraISO when it
    /// is a number (libexif's "ISO": a lookup for 50–800, or the value itself when bit 14 is
    /// set), otherwise ShotInfo's BaseISO × AutoISO / 100 (libexif's "Shot ISO" and "Auto ISO",
    /// the latter as a factor). nil when the maker note is not Canon's or holds neither.
    static func iso(in data: UnsafeMutablePointer<ExifData>, make: String?) -> Int? {
        guard make?.lowercased().hasPrefix("canon") == true, let note = exif_data_get_mnote_data(data) else { return nil }
        var cameraISO: String?
        var autoISOFactor: Double?
        var baseISO: Double?
        var buffer = [CChar](repeating: 0, count: 128)
        // A hostile maker note can claim any number of values; real ones have a few hundred.
        for index in 0..<min(exif_mnote_data_count(note), 4096) {
            let tag = exif_mnote_data_get_id(note, index)
            guard tag == cameraSettings || tag == shotInfo, let cName = exif_mnote_data_get_name(note, index) else { continue }
            let name = String(cString: cName)
            // Only these three values are formatted: libexif's formatting of others does
            // floating-point conversions a hostile value can push out of range.
            guard (tag == cameraSettings && name == "ISO") || (tag == shotInfo && (name == "Auto ISO" || name == "Shot ISO")),
                  let value = exif_mnote_data_get_value(note, index, &buffer, UInt32(buffer.count)) else { continue }
            let text = String(cString: value).trimmingCharacters(in: .whitespaces)
            switch name {
            case "ISO": cameraISO = text
            case "Auto ISO": autoISOFactor = Double(text)
            default: baseISO = Double(text)
            }
        }
        if let cameraISO, let value = Int(cameraISO) {
            return plausible(Double(value))
        }
        // A raw BaseISO of 0 means "not recorded" (exiftool drops it); libexif prints it as 3.
        guard let baseISO, baseISO > 3.5, let autoISOFactor else { return nil }
        return plausible(baseISO * autoISOFactor)
    }

    private static func plausible(_ iso: Double) -> Int? {
        guard iso.isFinite, iso >= 1, iso <= 1_000_000 else { return nil }
        return Int(iso.rounded())
    }
}

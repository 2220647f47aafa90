import Foundation

/// A little-endian EXIF block shaped like an older Canon PowerShot's: Make/Model in IFD0, an EXIF
/// IFD whose MakerNote is a Canon IFD holding CameraSettings (tag 1) and ShotInfo (tag 4) arrays
/// of int16 values, each starting with its own length in bytes. Offsets inside the maker note
/// count from the TIFF header, as Canon writes them.
enum CanonMakerNoteFixture {
    struct Settings {
        var make = "Canon"
        var model = "Canon PowerShot A80"
        /// CameraSettings index 16 (exiftool's CameraISO): 15 Auto, 16–20 ISO 50–800, or
        /// 0x4000 | ISO.
        var cameraISO: UInt16 = 15
        /// ShotInfo index 1 (AutoISO = 2^(v/32) × 100) and index 2 (BaseISO = 2^(v/32) × 100/32).
        var autoISO: UInt16 = 0
        var baseISO: UInt16 = 160
        /// The standard EXIF ISOSpeedRatings, which wins when present.
        var isoSpeedRatings: UInt16?
    }

    static func exif(_ settings: Settings) -> Data {
        var cameraSettings = [UInt16](repeating: 0, count: 46)
        cameraSettings[0] = UInt16(cameraSettings.count * 2)
        cameraSettings[16] = settings.cameraISO
        var shotInfo = [UInt16](repeating: 0, count: 34)
        shotInfo[0] = UInt16(shotInfo.count * 2)
        shotInfo[1] = settings.autoISO
        shotInfo[2] = settings.baseISO

        let make = Array(settings.make.utf8) + [0]
        let model = Array(settings.model.utf8) + [0]
        let exifEntries = settings.isoSpeedRatings == nil ? 2 : 3
        // Layout: header, IFD0 (3 entries), EXIF IFD, Make, Model, maker note (IFD + arrays).
        let ifd0 = 8
        let exifIFD = ifd0 + 2 + 12 * 3 + 4
        let makeOffset = exifIFD + 2 + 12 * exifEntries + 4
        let modelOffset = makeOffset + padded(make.count)
        let makerNote = modelOffset + padded(model.count)
        let settingsOffset = makerNote + 2 + 12 * 2 + 4
        let shotOffset = settingsOffset + cameraSettings.count * 2
        let makerNoteSize = shotOffset + shotInfo.count * 2 - makerNote

        var bytes: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(ifd0)
        bytes += le16(3)
        bytes += entry(0x010F, type: 2, count: make.count, value: le32(makeOffset))
        bytes += entry(0x0110, type: 2, count: model.count, value: le32(modelOffset))
        bytes += entry(0x8769, type: 4, count: 1, value: le32(exifIFD))
        bytes += le32(0)
        bytes += le16(UInt16(exifEntries))
        if let iso = settings.isoSpeedRatings {
            bytes += entry(0x8827, type: 3, count: 1, value: le16(iso) + [0, 0])
        }
        bytes += entry(0x9000, type: 7, count: 4, value: Array("0220".utf8))
        bytes += entry(0x927C, type: 7, count: makerNoteSize, value: le32(makerNote))
        bytes += le32(0)
        bytes += make + [UInt8](repeating: 0, count: padded(make.count) - make.count)
        bytes += model + [UInt8](repeating: 0, count: padded(model.count) - model.count)
        precondition(bytes.count == makerNote)
        bytes += le16(2)
        bytes += entry(0x0001, type: 3, count: cameraSettings.count, value: le32(settingsOffset))
        bytes += entry(0x0004, type: 3, count: shotInfo.count, value: le32(shotOffset))
        bytes += le32(0)
        bytes += cameraSettings.flatMap(le16) + shotInfo.flatMap(le16)
        return Data(Array("Exif".utf8) + [0, 0] + bytes)
    }

    private static func entry(_ tag: UInt16, type: UInt16, count: Int, value: [UInt8]) -> [UInt8] {
        le16(tag) + le16(type) + le32(count) + value
    }

    private static func padded(_ count: Int) -> Int { (count + 1) & ~1 }
    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((UInt32(value) >> (8 * $0)) & 0xFF) } }
}

import Foundation

/// A font file's names, weight, coverage and licence, read by FreeType from its bytes. Which
/// container it is comes from the signature; FreeType then has to open it (WOFF2 through
/// Brotli). A pure function: bytes in, `FontInfo` or a thrown `MediaError` out (the entry point
/// for fuzzing).
enum FontDescriber {
    /// "truetype", "opentype", "woff", "woff2", "collection", or nil when not a font signature.
    /// An sfnt's table directory must agree with itself (numTables 1…256, searchRange the
    /// largest power of two ≤ numTables × 16), so a text file starting "true" is not a font.
    static func container(of head: Data) -> String? {
        guard head.count >= 12 else { return nil }
        let bytes = [UInt8](head.prefix(12))
        func uint16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func uint32(_ at: Int) -> UInt32 { UInt32(uint16(at)) << 16 | UInt32(uint16(at + 2)) }
        let tables = uint16(4)
        let directoryAgrees = (1...256).contains(tables) && uint16(6) == 16 << (Int.bitWidth - 1 - tables.leadingZeroBitCount)
        switch Array(bytes.prefix(4)) {
        case [0x00, 0x01, 0x00, 0x00], Array("true".utf8): return directoryAgrees ? "truetype" : nil
        case Array("OTTO".utf8): return directoryAgrees ? "opentype" : nil
        case Array("wOFF".utf8): return "woff"
        case Array("wOF2".utf8): return "woff2"
        case Array("ttcf".utf8): return [0x0001_0000, 0x0002_0000].contains(uint32(4)) ? "collection" : nil
        default: return nil
        }
    }

    static func describe(_ bytes: Data, limits: DocumentLimits) throws(MediaError) -> FontInfo {
        guard bytes.count <= limits.maxFontBytes else {
            throw .unsupportedFormat("font of \(bytes.count) bytes is over the limit of \(limits.maxFontBytes) bytes")
        }
        guard let signatureContainer = container(of: bytes) else { throw .unsupportedFormat("not a font signature") }
        let face = try FontFace(bytes: bytes)
        var container = signatureContainer
        if container == "truetype", face.outlineFormat == "CFF" { container = "opentype" }
        let characters = face.characters()
        let family = face.name(16) ?? face.name(1) ?? face.familyName ?? "Unnamed"
        let style = face.name(17) ?? face.name(2) ?? face.styleName ?? "Regular"
        var info = FontInfo(container: container, family: family, style: style, isItalic: face.isItalic,
                            isMonospaced: face.isFixedWidth, isVariable: face.isVariable, glyphCount: face.glyphCount,
                            characterCount: characters.count, scripts: UnicodeScripts.covered(by: characters),
                            faceCount: max(1, face.faceCount))
        info.fullName = face.name(4)
        info.postScriptName = face.name(6)
        info.weight = face.weightClass
        info.version = face.name(5)
        info.copyright = face.name(0)
        info.trademark = face.name(7)
        info.manufacturer = face.name(8)
        info.designer = face.name(9)
        info.license = face.name(13).map { String($0.prefix(4000)) }
        info.licenseURL = face.name(14)
        return info
    }

    static func mimeType(container: String) -> String {
        switch container {
        case "opentype": "font/otf"
        case "woff": "font/woff"
        case "woff2": "font/woff2"
        case "collection": "font/collection"
        default: "font/ttf"
        }
    }

    static func format(container: String) -> String {
        switch container {
        case "opentype": "otf"
        case "collection": "ttc"
        case "truetype": "ttf"
        default: container
        }
    }
}

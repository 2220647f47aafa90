import Foundation
internal import CFreeType

/// One face of a font file opened by FreeType from memory, with its own FreeType library
/// instance (FreeType objects are not shared between threads). Released on deinit.
final class FontFace {
    private var library: FT_Library?
    private let face: FT_Face
    /// FreeType reads the font in place: the bytes live as long as the face.
    private let buffer: UnsafeMutableRawBufferPointer

    init(bytes: Data, index: Int = 0) throws(MediaError) {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else { throw .corrupt("font: FreeType cannot start") }
        buffer = .allocate(byteCount: max(1, bytes.count), alignment: 16)
        bytes.copyBytes(to: buffer)
        var face: FT_Face?
        let status = FT_New_Memory_Face(library, buffer.baseAddress!.assumingMemoryBound(to: FT_Byte.self), FT_Long(bytes.count),
                                        FT_Long(index), &face)
        guard status == 0, let face else {
            FT_Done_FreeType(library)
            buffer.deallocate()
            throw .corrupt("font: FreeType cannot read it (error \(status))")
        }
        self.library = library
        self.face = face
    }

    deinit {
        FT_Done_Face(face)
        FT_Done_FreeType(library)
        buffer.deallocate()
    }

    var faceCount: Int { Int(face.pointee.num_faces) }
    var glyphCount: Int { Int(face.pointee.num_glyphs) }
    var familyName: String? { face.pointee.family_name.map { String(cString: $0) } }
    var styleName: String? { face.pointee.style_name.map { String(cString: $0) } }
    var isItalic: Bool { face.pointee.style_flags & FT_Long(FT_STYLE_FLAG_ITALIC) != 0 }
    var isFixedWidth: Bool { face.pointee.face_flags & FT_Long(FT_FACE_FLAG_FIXED_WIDTH) != 0 }
    var isScalable: Bool { face.pointee.face_flags & FT_Long(FT_FACE_FLAG_SCALABLE) != 0 }
    var hasKerning: Bool { face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0 }
    var isVariable: Bool { face.pointee.face_flags & FT_Long(FT_FACE_FLAG_MULTIPLE_MASTERS) != 0 }
    /// "TrueType", "CFF", "Type 1"…
    var outlineFormat: String? { FT_Get_Font_Format(face).map { String(cString: $0) } }

    /// OS/2 usWeightClass, when the table is there.
    var weightClass: Int? {
        guard let table = FT_Get_Sfnt_Table(face, FT_SFNT_OS2) else { return nil }
        let os2 = table.assumingMemoryBound(to: TT_OS2.self)
        let weight = Int(os2.pointee.usWeightClass)
        return (1...1000).contains(weight) ? weight : nil
    }

    /// The best string for a name ID: Windows English, then any Windows or Unicode entry, then
    /// Macintosh English (decoded as Mac Roman).
    func name(_ id: Int) -> String? {
        let count = FT_Get_Sfnt_Name_Count(face)
        var best: (rank: Int, text: String)?
        for index in 0..<count {
            var entry = FT_SfntName()
            guard FT_Get_Sfnt_Name(face, index, &entry) == 0, Int(entry.name_id) == id, let string = entry.string else { continue }
            let bytes = UnsafeBufferPointer(start: string, count: Int(entry.string_len))
            let text: String
            let rank: Int
            switch entry.platform_id {
            case 3, 0:
                var units: [UInt16] = []
                units.reserveCapacity(bytes.count / 2)
                var i = 0
                while i + 1 < bytes.count {
                    units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                    i += 2
                }
                text = String(decoding: units, as: UTF16.self)
                rank = entry.platform_id == 3 && entry.language_id == 0x0409 ? 0 : 1
            case 1:
                text = String(data: Data(bytes), encoding: .macOSRoman) ?? String(decoding: bytes, as: UTF8.self)
                rank = entry.language_id == 0 ? 2 : 3
            default:
                continue
            }
            guard let cleaned = text.trimmedNonEmpty else { continue }
            if best == nil || rank < best!.rank { best = (rank, cleaned) }
        }
        return best?.text
    }

    /// Every Unicode code point the cmap maps to a glyph, at most `limit` of them.
    func characters(limit: Int = 1_200_000) -> [UInt32] {
        guard FT_Select_Charmap(face, FT_ENCODING_UNICODE) == 0 else { return [] }
        var characters: [UInt32] = []
        var glyph: FT_UInt = 0
        var code = FT_Get_First_Char(face, &glyph)
        while glyph != 0, characters.count < limit {
            characters.append(UInt32(truncatingIfNeeded: code))
            code = FT_Get_Next_Char(face, code, &glyph)
        }
        return characters
    }

    func glyphIndex(_ scalar: Unicode.Scalar) -> UInt32 {
        UInt32(FT_Get_Char_Index(face, FT_ULong(scalar.value)))
    }

    /// One glyph as an 8-bit coverage bitmap at the current pixel size.
    struct Glyph {
        var width: Int
        var rows: Int
        var pitch: Int
        var left: Int
        var top: Int
        var advance: Int
        var coverage: [UInt8]
    }

    func setPixelSize(_ pixels: Int) throws(MediaError) {
        guard isScalable || face.pointee.num_fixed_sizes > 0 else { throw .corrupt("font: no outlines and no bitmap sizes") }
        if FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixels)) != 0, face.pointee.num_fixed_sizes > 0 {
            _ = FT_Select_Size(face, 0)
        }
    }

    func render(glyph index: UInt32) -> Glyph? {
        guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_RENDER)) == 0, let slot = face.pointee.glyph else { return nil }
        let bitmap = slot.pointee.bitmap
        let width = Int(bitmap.width)
        let rows = Int(bitmap.rows)
        let pitch = Int(bitmap.pitch)
        var coverage = [UInt8](repeating: 0, count: width * rows)
        if let buffer = bitmap.buffer, width > 0, rows > 0, abs(pitch) >= width || bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_MONO.rawValue) {
            for y in 0..<rows {
                let row = pitch >= 0 ? buffer + y * pitch : buffer + (rows - 1 - y) * -pitch
                for x in 0..<width {
                    if bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_MONO.rawValue) {
                        coverage[y * width + x] = (row[x >> 3] >> (7 - UInt8(x & 7))) & 1 == 1 ? 255 : 0
                    } else {
                        coverage[y * width + x] = row[x]
                    }
                }
            }
        }
        return Glyph(width: width, rows: rows, pitch: width, left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                     advance: Int(slot.pointee.advance.x >> 6), coverage: coverage)
    }

    /// A glyph's advance in pixels at the current size, without rasterizing it.
    func advance(glyph index: UInt32) -> Int? {
        guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_DEFAULT)) == 0, let slot = face.pointee.glyph else { return nil }
        return Int(slot.pointee.advance.x >> 6)
    }

    func kerning(_ left: UInt32, _ right: UInt32) -> Int {
        guard hasKerning, left != 0, right != 0 else { return 0 }
        var delta = FT_Vector()
        guard FT_Get_Kerning(face, left, right, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 else { return 0 }
        return Int(delta.x >> 6)
    }

    /// Ascender and descender in pixels at the current size.
    var lineMetrics: (ascender: Int, descender: Int, height: Int) {
        guard let size = face.pointee.size else { return (0, 0, 0) }
        let metrics = size.pointee.metrics
        return (Int(metrics.ascender >> 6), Int(metrics.descender >> 6), Int(metrics.height >> 6))
    }
}

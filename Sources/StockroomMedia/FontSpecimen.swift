import Foundation
internal import CVips
internal import CMediaShim

/// A specimen of a font drawn with the font itself: its name, "The quick brown fox…", the
/// alphabet and the figures (or a sample line of its script and a chart of its first
/// characters when it has no Latin), black on white.
///
/// Drawn by FreeType from the file's own bytes rather than by libvips' text with `fontfile`:
/// that registers the file in the process-wide fontconfig set for good, so an uploaded font
/// whose family name matches a system font could take over later text layouts (watermarks) in
/// the same worker, and every specimen would grow the set.
enum FontSpecimen {
    static let width = 1600
    static let margin = 80

    static let pangram = "The quick brown fox jumps over the lazy dog"
    static let latinLines = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789 &@?!.,;:()"]

    static func render(_ bytes: Data, info: FontInfo, deadline: Deadline) throws(MediaError) -> VisualSource {
        let face = try FontFace(bytes: bytes)
        var lines: [(text: String, size: Int)] = [("\(info.family) \(info.style)", 64)]
        if info.scripts.contains("Latin") || info.scripts.isEmpty && coversBasicLatin(face) {
            lines.append((pangram, 52))
            lines += latinLines.map { ($0, 44) }
        } else {
            if let sample = info.scripts.lazy.compactMap(UnicodeScripts.sample(for:)).first { lines.append((sample, 52)) }
            let chart = face.characters(limit: 4000).lazy.filter { $0 > 0x20 && !(0x7F...0x9F).contains($0) }
                .prefix(72).compactMap(Unicode.Scalar.init).map { String(Character($0)) }
            lines.append((chart.joined(separator: " "), 44))
        }

        var canvas = Canvas(width: width)
        canvas.advance(margin)
        for (text, size) in lines {
            try deadline.check()
            try face.setPixelSize(size)
            for row in wrap(text, face: face, width: width - 2 * margin) {
                try draw(row, face: face, on: &canvas, deadline: deadline)
            }
            canvas.advance(size / 3)
        }
        canvas.advance(margin)
        guard canvas.coverage.contains(where: { $0 > 0 }) else {
            throw .noVisualContent("the font draws none of the specimen's characters")
        }
        let mask = try LibvipsImage.make("font specimen") { output in
            canvas.coverage.withUnsafeBytes {
                sr_vips_image_from_memory($0.baseAddress, Int32(canvas.width), Int32(canvas.height), 1, VIPS_FORMAT_UCHAR,
                                          VIPS_INTERPRETATION_B_W, output)
            }
        }
        let inked = try LibvipsImage.make("ink the specimen") { sr_vips_ink_on_paper(mask.pointer, $0, 17, 255) }
        let base = try inked.inMemory(deadline: deadline) { .vips("cannot draw the specimen: \($0)") }
        return VisualSource(base: base, size: PixelSize(width: base.width, height: base.height))
    }

    private static func coversBasicLatin(_ face: FontFace) -> Bool {
        "abcdefghijklmnopqrstuvwxyz".unicodeScalars.filter { face.glyphIndex($0) != 0 }.count >= 20
    }

    /// Greedy word wrap by the font's own advances.
    private static func wrap(_ text: String, face: FontFace, width: Int) -> [String] {
        var rows: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if measure(candidate, face: face) <= width || current.isEmpty {
                current = candidate
            } else {
                rows.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    private static func measure(_ text: String, face: FontFace) -> Int {
        var width = 0
        var previous: UInt32 = 0
        for scalar in text.unicodeScalars {
            let index = face.glyphIndex(scalar)
            guard index != 0, let advance = face.advance(glyph: index) else { continue }
            width += face.kerning(previous, index) + advance
            previous = index
        }
        return width
    }

    private static func draw(_ text: String, face: FontFace, on canvas: inout Canvas, deadline: Deadline) throws(MediaError) {
        let metrics = face.lineMetrics
        let lineHeight = max(metrics.height, metrics.ascender - metrics.descender, 1)
        let baseline = canvas.height + metrics.ascender
        canvas.advance(lineHeight)
        var pen = margin
        var previous: UInt32 = 0
        for scalar in text.unicodeScalars {
            let index = face.glyphIndex(scalar)
            guard index != 0, let glyph = face.render(glyph: index) else { continue }
            pen += face.kerning(previous, index)
            canvas.blit(glyph, x: pen + glyph.left, y: baseline - glyph.top)
            pen += glyph.advance
            previous = index
            if pen > width { break }
        }
        try deadline.check()
    }

    /// A growing one-band coverage image, drawn by taking the maximum of overlapping glyphs.
    private struct Canvas {
        let width: Int
        private(set) var height = 0
        private(set) var coverage: [UInt8] = []

        init(width: Int) {
            self.width = width
        }

        mutating func advance(_ rows: Int) {
            guard rows > 0, height + rows <= 8192 else { return }
            height += rows
            coverage.append(contentsOf: repeatElement(0, count: rows * width))
        }

        mutating func blit(_ glyph: FontFace.Glyph, x: Int, y: Int) {
            for row in 0..<glyph.rows {
                let targetY = y + row
                guard targetY >= 0, targetY < height else { continue }
                for column in 0..<glyph.width {
                    let targetX = x + column
                    guard targetX >= 0, targetX < width else { continue }
                    let value = glyph.coverage[row * glyph.width + column]
                    let index = targetY * width + targetX
                    if value > coverage[index] { coverage[index] = value }
                }
            }
        }
    }
}

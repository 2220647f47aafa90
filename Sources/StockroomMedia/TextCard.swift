import Foundation
internal import CVips
internal import CMediaShim

/// A picture of a document's words, for documents with no visual of their own (plain text,
/// Markdown, Office files without a thumbnail): the title in bold, then the first lines, dark
/// grey on white, laid out by Pango on the text layout thread at a fixed size, with the format
/// named in the corner.
enum TextCard {
    enum Shape {
        /// A portrait page, A4 proportions.
        case page
        /// A 4:3 slide.
        case slide

        var size: PixelSize {
            switch self {
            case .page: PixelSize(width: 1240, height: 1754)
            case .slide: PixelSize(width: 1600, height: 1200)
            }
        }
    }

    /// Characters of body text laid out at most (the rest would not fit anyway).
    static let maxBodyCharacters = 3000

    static func render(title: String?, text: String, shape: Shape, label: String, markdown: Bool = false,
                       deadline: Deadline) throws(MediaError) -> VisualSource {
        let size = shape.size
        let margin = size.width / 12
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { markdown ? plainMarkdown($0) : $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var heading = title?.trimmedNonEmpty
        var body = lines
        if heading == nil, let first = body.first {
            heading = String(first.prefix(120))
        }
        if let heading, body.first == heading { body.removeFirst() }
        var bodyText = ""
        for line in body {
            guard bodyText.count + line.count < maxBodyCharacters else { break }
            bodyText += (bodyText.isEmpty ? "" : "\n") + line
        }
        var markup = "<span size=\"xx-large\" weight=\"bold\">\(escape(heading ?? "Untitled"))</span>"
        if !bodyText.isEmpty { markup += "\n\n" + escape(bodyText) }

        try deadline.check()
        let width = size.width - 2 * margin
        let mask = try TextLayoutThread.shared.run { () throws(MediaError) -> LibvipsImage in
            try LibvipsImage.make("lay out the text card") { sr_vips_text_block($0, markup, "sans 18", Int32(width), 150) }
        }
        let caption = try TextLayoutThread.shared.run { () throws(MediaError) -> LibvipsImage in
            try LibvipsImage.make("lay out the text card label") { sr_vips_text_block($0, escape(label), "sans bold 12", Int32(width), 150) }
        }
        let ink = try LibvipsImage.make("ink the text card") { sr_vips_ink_on_paper(mask.pointer, $0, 40, 255) }
        let labelInk = try LibvipsImage.make("ink the label") { sr_vips_ink_on_paper(caption.pointer, $0, 150, 255) }
        let textHeight = min(ink.height, size.height - 2 * margin - labelInk.height - margin / 2)
        let clipped = try LibvipsImage.make("clip the text") { sr_vips_crop(ink.pointer, $0, 0, 0, Int32(ink.width), Int32(max(1, textHeight))) }
        let paper = try LibvipsImage.make("text card") { sr_vips_canvas($0, Int32(size.width), Int32(size.height), 255, 255, 255) }
        let withText = try LibvipsImage.make("place the text") { sr_vips_insert(paper.pointer, clipped.pointer, $0, Int32(margin), Int32(margin)) }
        let card = try LibvipsImage.make("place the label") {
            sr_vips_insert(withText.pointer, labelInk.pointer, $0, Int32(size.width - margin - labelInk.width),
                           Int32(size.height - margin / 2 - labelInk.height))
        }
        let base = try card.inMemory(deadline: deadline) { .vips("cannot draw the text card: \($0)") }
        return VisualSource(base: base, size: size)
    }

    /// A Markdown line as it reads: heading marks, list bullets, quote marks, emphasis and link
    /// targets taken off (`[film](https://…)` → "film").
    static func plainMarkdown(_ line: Substring) -> String {
        var text = line.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("```") || text.hasPrefix("~~~") || text.allSatisfy({ "=-*_|: ".contains($0) }) { return "" }
        while let first = text.first, "#>".contains(first) { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
        for bullet in ["- ", "* ", "+ "] where text.hasPrefix(bullet) { text = "• " + text.dropFirst(2) }
        text = text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "").replacingOccurrences(of: "`", with: "")
        text = text.replacingOccurrences(of: #"!?\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        return text
    }

    /// Pango markup escaping, and control characters (other than newline and tab) dropped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .surrogate { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

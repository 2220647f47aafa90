import Foundation

/// Reads Office Open XML (DOCX, PPTX, XLSX and their templates) and OpenDocument (ODT, ODP,
/// ODS) files: properties, counts, fonts, the embedded thumbnail and the text. The container goes
/// through `OfficeArchive` (zip bomb limits) and every XML part through `XMLEventReader` (no DTDs).
/// `read(_:)` is a pure function of bytes (the entry point for fuzzing); it hands them to
/// ZIPFoundation as a temporary file (see `OfficeArchive`).
enum OfficeReader {
    static func read(_ bytes: Data, limits: DocumentLimits, deadline: Deadline) throws(MediaError) -> OfficeDocument {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockroom-office-\(UUID().uuidString)")
        do { try bytes.write(to: file) } catch { throw .io("cannot stage the archive: \(error.localizedDescription)") }
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(fileAt: file, limits: limits, deadline: deadline)
    }

    static func read(fileAt url: URL, limits: DocumentLimits, deadline: Deadline) throws(MediaError) -> OfficeDocument {
        var archive = try OfficeArchive(fileAt: url, limits: limits)
        if archive.contains("[Content_Types].xml") {
            return try OpenXML.read(&archive, limits: limits, deadline: deadline)
        }
        if archive.contains("mimetype") || archive.contains("content.xml") {
            return try OpenDocument.read(&archive, limits: limits, deadline: deadline)
        }
        throw .unsupportedFormat("a ZIP archive that is not an Office or OpenDocument file")
    }

    /// Whether the first bytes are a ZIP local file header.
    static func looksLikeZIP(_ head: Data) -> Bool {
        head.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    /// ISO 8601 with or without a zone (OpenDocument writes local times without one: read as UTC)
    /// and with or without fractions.
    static func date(_ text: String?) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        // No zone: cut fractions (OpenDocument has up to nine digits) and read as UTC.
        var plain = text
        if let dot = plain.firstIndex(of: ".") { plain = String(plain[..<dot]) }
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: plain)
    }

    /// Collects paragraphs: text inside `textElements` (or anywhere inside a paragraph when nil),
    /// tabs and breaks, nested paragraphs (text boxes) kept apart.
    final class ParagraphCollector {
        var collector: TextCollector
        var paragraphElements: Set<String>
        private let textElements: Set<String>?
        private var stack: [String] = []
        private var textDepth = 0
        var paragraphCount = 0

        init(limit: Int, paragraphs: Set<String>, text: Set<String>?) {
            collector = TextCollector(limit: limit)
            paragraphElements = paragraphs
            textElements = text
        }

        func events() -> XMLEventReader {
            var events = XMLEventReader()
            events.onStart = { [self] element in
                if paragraphElements.contains(element.name) { stack.append("") }
                if let textElements, textElements.contains(element.name) { textDepth += 1 }
                guard !stack.isEmpty else { return }
                switch element.name {
                case "tab": stack[stack.count - 1] += "\t"
                case "br", "line-break", "cr": stack[stack.count - 1] += "\n"
                case "s":
                    let count = min(Int(element.attribute("c") ?? "1") ?? 1, 1000)
                    stack[stack.count - 1] += String(repeating: " ", count: max(count, 1))
                default: break
                }
            }
            events.onEnd = { [self] _, name in
                if let textElements, textElements.contains(name) { textDepth = max(0, textDepth - 1) }
                if paragraphElements.contains(name), let paragraph = stack.popLast() {
                    paragraphCount += 1
                    collector.add(paragraph: paragraph)
                }
            }
            events.onText = { [self] text in
                guard !stack.isEmpty, textElements == nil || textDepth > 0 else { return }
                stack[stack.count - 1] += text
            }
            return events
        }
    }
}

/// Office Open XML: ECMA-376 packages.
private enum OpenXML {
    static let officeDocumentRelationship = "/officeDocument"
    static let thumbnailRelationship = "/metadata/thumbnail"

    static func read(_ archive: inout OfficeArchive, limits: DocumentLimits, deadline: Deadline) throws(MediaError) -> OfficeDocument {
        let contentTypes = String(decoding: try archive.part("[Content_Types].xml") ?? Data(), as: UTF8.self)
        try XMLEventReader.refuseDocumentType(Data(contentTypes.utf8), part: "[Content_Types].xml")
        let relationships = try packageRelationships(&archive)
        let main = relationships.first { $0.type.hasSuffix(officeDocumentRelationship) }?.target
        let mainPath = main.map(normalise) ?? ["word/document.xml", "ppt/presentation.xml", "xl/workbook.xml"].first(where: archive.contains)
        guard let mainPath, archive.contains(mainPath) else {
            throw .unsupportedFormat("an Office package without a main document part")
        }
        let kind: OfficeDocument.Kind
        let format: String
        switch mainPath.split(separator: "/").first.map(String.init) ?? "" {
        case "word": (kind, format) = (.wordProcessing, "docx")
        case "ppt": (kind, format) = (.presentation, "pptx")
        case "xl": (kind, format) = (.spreadsheet, "xlsx")
        default: throw .unsupportedFormat("an Office package of an unknown kind (\(mainPath))")
        }
        var document = DocumentInfo()
        document.isTemplate = contentTypes.contains(".template.main+xml") || contentTypes.contains("Template.main+xml")
            || contentTypes.contains("slideshow.main+xml")
        try readCore(&archive, into: &document)
        let application = try readApplication(&archive, into: &document)
        document.creatorTool = application

        let paragraphs = OfficeReader.ParagraphCollector(limit: limits.maxTextExtractBytes, paragraphs: ["p"], text: ["t"])
        switch kind {
        case .wordProcessing:
            guard let body = try archive.part(mainPath) else { break }
            var events = paragraphs.events()
            let onStart = events.onStart
            events.onStart = { element in
                onStart(element)
                if element.name == "pgSz", let width = element.attribute("w").flatMap(Double.init),
                   let height = element.attribute("h").flatMap(Double.init), width > 0, height > 0 {
                    // Twentieths of a point; the last section's size wins, as Word shows it.
                    document.pageWidth = width / 20
                    document.pageHeight = height / 20
                }
            }
            try events.parse(body, part: mainPath)
            document.fonts = try fontTable(&archive, path: folder(of: mainPath) + "fontTable.xml")
        case .presentation:
            guard let presentation = try archive.part(mainPath) else { break }
            var slideIds: [String] = []
            var events = XMLEventReader()
            events.onStart = { element in
                if element.name == "sldId", let id = element.prefixedAttribute("id") { slideIds.append(id) }
                if element.name == "sldSz", let cx = element.attribute("cx").flatMap(Double.init),
                   let cy = element.attribute("cy").flatMap(Double.init), cx > 0, cy > 0 {
                    document.pageWidth = cx / 12700
                    document.pageHeight = cy / 12700
                }
            }
            try events.parse(presentation, part: mainPath)
            document.slideCount = slideIds.count
            let targets = try partRelationships(&archive, of: mainPath)
            // Slides in presentation order, each with the text of the charts it shows.
            for rid in slideIds {
                try deadline.check()
                guard let target = targets[rid], let slide = try archive.part(target) else { continue }
                try paragraphs.events().parse(slide, part: target)
                for (_, chart) in try partRelationships(&archive, of: target).sorted(by: { $0.key < $1.key }) where chart.contains("/charts/") {
                    if let chartXML = try archive.part(chart) { try paragraphs.events().parse(chartXML, part: chart) }
                }
                if paragraphs.collector.isFull { break }
            }
            document.fonts = try themeFonts(&archive, relationships: targets)
        case .spreadsheet:
            guard let workbook = try archive.part(mainPath) else { break }
            var sheetNames: [String] = []
            var events = XMLEventReader()
            events.onStart = { element in
                if element.name == "sheet" { sheetNames.append(element.attribute("name") ?? "") }
            }
            try events.parse(workbook, part: mainPath)
            document.sheetCount = sheetNames.count
            for name in sheetNames { paragraphs.collector.add(paragraph: name) }
            let sharedStrings = folder(of: mainPath) + "sharedStrings.xml"
            if let strings = try archive.part(sharedStrings) {
                // Each shared string is an <si> of one or more <t> runs.
                paragraphs.paragraphElements = ["si"]
                try paragraphs.events().parse(strings, part: sharedStrings)
            }
        }
        let statistics = paragraphs.collector.finishedStatistics
        document.wordCount = statistics.words
        document.characterCount = statistics.characters
        document.textTruncated = paragraphs.collector.truncated

        var thumbnail: Data?
        let thumbnailPath = relationships.first { $0.type.hasSuffix(thumbnailRelationship) }.map { normalise($0.target) }
        for path in [thumbnailPath, "docProps/thumbnail.jpeg", "docProps/thumbnail.jpg", "docProps/thumbnail.png"].compactMap({ $0 })
        where thumbnail == nil {
            if let data = try archive.part(path), EmbeddedImageKind.of(data) != nil { thumbnail = data }
        }
        document.hasEmbeddedThumbnail = thumbnail != nil

        let mimeType: String
        switch (kind, document.isTemplate) {
        case (.wordProcessing, false): mimeType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case (.wordProcessing, true): mimeType = "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
        case (.presentation, false): mimeType = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case (.presentation, true): mimeType = "application/vnd.openxmlformats-officedocument.presentationml.template"
        case (.spreadsheet, false): mimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case (.spreadsheet, true): mimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.template"
        }
        return OfficeDocument(format: format, mimeType: mimeType, kind: kind, document: document, thumbnail: thumbnail,
                              extract: paragraphs.collector.extract())
    }

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    private static func packageRelationships(_ archive: inout OfficeArchive) throws(MediaError) -> [Relationship] {
        guard let data = try archive.part("_rels/.rels") else { return [] }
        return try relationships(data, part: "_rels/.rels")
    }

    private static func relationships(_ data: Data, part: String) throws(MediaError) -> [Relationship] {
        var found: [Relationship] = []
        var events = XMLEventReader()
        events.onStart = { element in
            guard element.name == "Relationship", element.attribute("TargetMode") != "External",
                  let id = element.attribute("Id"), let type = element.attribute("Type"), let target = element.attribute("Target") else { return }
            found.append(Relationship(id: id, type: type, target: target))
        }
        try events.parse(data, part: part)
        return found
    }

    /// A part's relationships (id → archive path), from `folder/_rels/name.rels`.
    private static func partRelationships(_ archive: inout OfficeArchive, of part: String) throws(MediaError) -> [String: String] {
        let folder = folder(of: part)
        let name = String(part.split(separator: "/").last ?? "")
        let path = folder + "_rels/" + name + ".rels"
        guard let data = try archive.part(path) else { return [:] }
        var targets: [String: String] = [:]
        for relationship in try relationships(data, part: path) {
            targets[relationship.id] = resolve(relationship.target, against: folder)
        }
        return targets
    }

    private static func readCore(_ archive: inout OfficeArchive, into document: inout DocumentInfo) throws(MediaError) {
        guard let data = try archive.part("docProps/core.xml") else { return }
        var fields: [String: String] = [:]
        var current: String?
        var events = XMLEventReader()
        events.onStart = { element in current = element.name; fields[element.name] = fields[element.name] ?? "" }
        events.onEnd = { _, _ in current = nil }
        events.onText = { text in if let current, (fields[current]?.utf8.count ?? 0) < 4096 { fields[current, default: ""] += text } }
        try events.parse(data, part: "docProps/core.xml")
        document.title = fields["title"]?.trimmedNonEmpty
        document.subject = fields["subject"]?.trimmedNonEmpty ?? fields["description"]?.trimmedNonEmpty
        document.author = fields["creator"]?.trimmedNonEmpty ?? fields["lastModifiedBy"]?.trimmedNonEmpty
        document.keywords = (fields["keywords"] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" })
            .compactMap { String($0).trimmedNonEmpty }
        document.createdAt = OfficeReader.date(fields["created"])
        document.modifiedAt = OfficeReader.date(fields["modified"])
    }

    /// Pages, and the application's name, from docProps/app.xml.
    private static func readApplication(_ archive: inout OfficeArchive, into document: inout DocumentInfo) throws(MediaError) -> String? {
        guard let data = try archive.part("docProps/app.xml") else { return nil }
        var fields: [String: String] = [:]
        var current: String?
        var depth = 0
        var events = XMLEventReader()
        events.onStart = { element in depth += 1; current = depth == 2 ? element.name : nil }
        events.onEnd = { _, _ in depth -= 1; current = nil }
        events.onText = { text in if let current, (fields[current]?.utf8.count ?? 0) < 1024 { fields[current, default: ""] += text } }
        try events.parse(data, part: "docProps/app.xml")
        if let pages = fields["Pages"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), pages > 0 { document.pageCount = pages }
        return fields["Application"]?.trimmedNonEmpty
    }

    private static func fontTable(_ archive: inout OfficeArchive, path: String) throws(MediaError) -> [String] {
        guard let data = try archive.part(path) else { return [] }
        var fonts: [String] = []
        var events = XMLEventReader()
        events.onStart = { element in
            if element.name == "font", let name = element.attribute("name")?.trimmedNonEmpty, !fonts.contains(name), fonts.count < 256 {
                fonts.append(name)
            }
        }
        try events.parse(data, part: path)
        return fonts
    }

    /// The major and minor Latin fonts of the presentation's theme.
    private static func themeFonts(_ archive: inout OfficeArchive, relationships: [String: String]) throws(MediaError) -> [String] {
        guard let theme = relationships.values.sorted().first(where: { $0.contains("/theme/") }), let data = try archive.part(theme) else { return [] }
        var fonts: [String] = []
        var inFontScheme = false
        var events = XMLEventReader()
        events.onStart = { element in
            if element.name == "fontScheme" { inFontScheme = true }
            if inFontScheme, element.name == "latin", let face = element.attribute("typeface")?.trimmedNonEmpty, !fonts.contains(face) {
                fonts.append(face)
            }
        }
        events.onEnd = { _, name in if name == "fontScheme" { inFontScheme = false } }
        try events.parse(data, part: theme)
        return fonts
    }

    private static func normalise(_ target: String) -> String {
        resolve(target, against: "")
    }

    /// A relationship target relative to the folder of its source part, as an archive path.
    private static func resolve(_ target: String, against folder: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : folder.split(separator: "/")
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(piece)
            }
        }
        return parts.joined(separator: "/")
    }

    private static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }
}

/// OpenDocument: ODF 1.2 packages.
private enum OpenDocument {
    static func read(_ archive: inout OfficeArchive, limits: DocumentLimits, deadline: Deadline) throws(MediaError) -> OfficeDocument {
        let declared = (try archive.part("mimetype")).map { String(decoding: $0.prefix(256), as: UTF8.self) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let kind: OfficeDocument.Kind
        let format: String
        switch declared.replacingOccurrences(of: "-template", with: "") {
        case "application/vnd.oasis.opendocument.text": (kind, format) = (.wordProcessing, "odt")
        case "application/vnd.oasis.opendocument.presentation": (kind, format) = (.presentation, "odp")
        case "application/vnd.oasis.opendocument.spreadsheet": (kind, format) = (.spreadsheet, "ods")
        default:
            throw .unsupportedFormat("an OpenDocument file of type \(declared.isEmpty ? "(none)" : declared), not text, presentation or spreadsheet")
        }
        var document = DocumentInfo()
        document.isTemplate = declared.hasSuffix("-template")
        try readMeta(&archive, into: &document)

        let paragraphs = OfficeReader.ParagraphCollector(limit: limits.maxTextExtractBytes, paragraphs: ["p", "h"], text: nil)
        var pages = 0
        var sheets = 0
        var fonts: [String] = []
        if let content = try archive.part("content.xml") {
            try deadline.check()
            var events = paragraphs.events()
            let onStart = events.onStart
            var inSpreadsheet = false
            events.onStart = { element in
                onStart(element)
                switch element.name {
                case "page" where element.qualifiedName == "draw:page": pages += 1
                case "spreadsheet": inSpreadsheet = true
                case "table" where inSpreadsheet && element.qualifiedName == "table:table":
                    sheets += 1
                    if let name = element.attribute("name") { paragraphs.collector.add(paragraph: name) }
                case "font-face":
                    if let name = (element.attribute("font-family") ?? element.attribute("name"))?
                        .trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")), !name.isEmpty, !fonts.contains(name), fonts.count < 256 {
                        fonts.append(name)
                    }
                default: break
                }
            }
            try events.parse(content, part: "content.xml")
        }
        if kind == .presentation { document.slideCount = pages }
        if kind == .spreadsheet { document.sheetCount = sheets }
        document.fonts = fonts
        if kind == .wordProcessing || kind == .presentation, let styles = try archive.part("styles.xml") {
            var events = XMLEventReader()
            events.onStart = { element in
                if element.name == "page-layout-properties", document.pageWidth == nil,
                   let width = element.attribute("page-width").flatMap(points), let height = element.attribute("page-height").flatMap(points) {
                    document.pageWidth = width
                    document.pageHeight = height
                }
            }
            try events.parse(styles, part: "styles.xml")
        }
        let statistics = paragraphs.collector.finishedStatistics
        document.wordCount = statistics.words
        document.characterCount = statistics.characters
        document.textTruncated = paragraphs.collector.truncated

        var thumbnail: Data?
        if let data = try archive.part("Thumbnails/thumbnail.png"), EmbeddedImageKind.of(data) != nil { thumbnail = data }
        document.hasEmbeddedThumbnail = thumbnail != nil
        let mimeType = declared.isEmpty ? "application/vnd.oasis.opendocument" : declared
        return OfficeDocument(format: format, mimeType: mimeType, kind: kind, document: document, thumbnail: thumbnail,
                              extract: paragraphs.collector.extract())
    }

    private static func readMeta(_ archive: inout OfficeArchive, into document: inout DocumentInfo) throws(MediaError) {
        guard let data = try archive.part("meta.xml") else { return }
        var fields: [String: String] = [:]
        var keywords: [String] = []
        var current: String?
        var pageCount: Int?
        var events = XMLEventReader()
        events.onStart = { element in
            current = element.name
            if element.name == "document-statistic" {
                if let pages = element.attribute("page-count").flatMap(Int.init), pages > 0 { pageCount = pages }
            }
        }
        events.onEnd = { _, name in
            if name == "keyword", let keyword = fields.removeValue(forKey: "keyword")?.trimmedNonEmpty { keywords.append(keyword) }
            current = nil
        }
        events.onText = { text in if let current, (fields[current]?.utf8.count ?? 0) < 4096 { fields[current, default: ""] += text } }
        try events.parse(data, part: "meta.xml")
        document.pageCount = pageCount
        document.title = fields["title"]?.trimmedNonEmpty
        document.subject = fields["subject"]?.trimmedNonEmpty ?? fields["description"]?.trimmedNonEmpty
        document.author = fields["initial-creator"]?.trimmedNonEmpty ?? fields["creator"]?.trimmedNonEmpty
        document.keywords = keywords
        document.creatorTool = fields["generator"]?.trimmedNonEmpty
        document.createdAt = OfficeReader.date(fields["creation-date"])
        document.modifiedAt = OfficeReader.date(fields["date"])
    }

    /// "21.001cm", "8.5in", "210mm", "595pt" in points.
    private static func points(_ length: String) -> Double? {
        let units: [(String, Double)] = [("cm", 72 / 2.54), ("mm", 72 / 25.4), ("in", 72), ("pt", 1), ("pc", 12)]
        for (suffix, factor) in units where length.hasSuffix(suffix) {
            guard let value = Double(length.dropLast(suffix.count)), value > 0, value.isFinite else { return nil }
            return value * factor
        }
        return nil
    }
}

/// JPEG or PNG, by signature: the only embedded previews decoded.
enum EmbeddedImageKind {
    case jpeg, png

    static func of(_ data: Data) -> EmbeddedImageKind? {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        return nil
    }
}

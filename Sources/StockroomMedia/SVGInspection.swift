import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads what an SVG declares (viewBox, size, title, description) and refuses the document-type
/// tricks that make an XML parser do unbounded work: entity declarations whose values refer to
/// other entities (the "billion laughs"), external entities, and more than a handful of
/// entities at all. Illustrator's exports declare a few plain namespace entities; those pass.
/// A pure function over bytes.
enum SVGInspection {
    static let maxEntityDeclarations = 32
    static let maxElements = 1_000_000

    static func inspect(_ bytes: Data) throws(MediaError) -> VectorInfo {
        try checkDocumentType(bytes)
        let collector = SVGCollector()
        let parser = XMLParser(data: XMPPacketParser.wellFormedUTF8(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        _ = parser.parse()
        guard collector.sawRoot else {
            throw .corrupt("SVG: no <svg> root element\(parser.parserError.map { " (\($0.localizedDescription))" } ?? "")")
        }
        if collector.info.elementCount > maxElements {
            throw .unsupportedFormat("SVG with more than \(maxElements) elements")
        }
        return collector.info
    }

    /// The internal subset of a DOCTYPE, checked before any XML parser sees it.
    static func checkDocumentType(_ bytes: Data) throws(MediaError) {
        let head = bytes.prefix(1 << 20)
        guard let doctype = ByteSearch.first("<!DOCTYPE", in: head) else { return }
        let declarations = ByteSearch.all("<!ENTITY", in: head, from: doctype, limit: maxEntityDeclarations + 1)
        if declarations.count > maxEntityDeclarations {
            throw .unsupportedFormat("SVG declares more than \(maxEntityDeclarations) XML entities (entity expansion guard)")
        }
        for start in declarations {
            guard let end = ByteSearch.first(">", in: head, from: start) else {
                throw .corrupt("SVG: an unterminated entity declaration")
            }
            let declaration = String(decoding: head[(head.startIndex + start)..<(head.startIndex + end)], as: UTF8.self)
            if declaration.contains("SYSTEM") || declaration.contains("PUBLIC") {
                throw .unsupportedFormat("SVG declares an external XML entity (refused: it could read other files)")
            }
            if declaration.contains("&") || declaration.contains("%") {
                throw .unsupportedFormat("SVG declares XML entities built from other entities (entity expansion guard)")
            }
        }
    }
}

private final class SVGCollector: NSObject, XMLParserDelegate {
    var info = VectorInfo()
    var sawRoot = false
    private var depth = 0
    private var capturing: String?
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        info.elementCount += 1
        if info.elementCount > SVGInspection.maxElements { parser.abortParsing() }
        let name = Self.localName(elementName)
        if depth == 1 {
            guard name == "svg" else { parser.abortParsing(); return }
            sawRoot = true
            info.declaredWidth = attributes["width"]
            info.declaredHeight = attributes["height"]
            if let box = attributes["viewBox"] {
                let numbers = box.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).compactMap { Double($0) }
                if numbers.count == 4, numbers[2] > 0, numbers[3] > 0, numbers.allSatisfy(\.isFinite) { info.viewBox = numbers }
            }
        }
        if name == "script" { info.hasScript = true }
        for (key, value) in attributes {
            if key.hasPrefix("on") { info.hasScript = true }
            if key == "href" || key.hasSuffix(":href") {
                let target = value.trimmingCharacters(in: .whitespaces)
                if !target.hasPrefix("#") && !target.lowercased().hasPrefix("data:") { info.externalReferenceCount += 1 }
            }
        }
        if depth == 2, name == "title" || name == "desc" {
            let unset = name == "title" ? info.title == nil : info.summary == nil
            if unset {
                capturing = name
                text = ""
            }
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == 2, let field = capturing {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty {
                if field == "title" { info.title = value } else { info.summary = value }
            }
            capturing = nil
        }
        depth -= 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing != nil, text.utf8.count < 4096 { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if capturing != nil, text.utf8.count < 4096 { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    private static func localName(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }
}

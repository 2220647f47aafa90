import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Streams an XML part's elements and text to closures, namespace-aware, after refusing any
/// document type declaration: Office and OpenDocument XML never has one, so a DTD can only be
/// there to declare entities (expansion bombs, external files). External entities are off too.
struct XMLEventReader {
    /// Elements are matched by local name (the parts' schemas do not reuse a local name for
    /// different things where it matters here); prefixes are the conventional ones only where a
    /// check needs them (`draw:page`).
    struct Element {
        /// "draw:page", as written.
        var qualifiedName: String
        /// "page".
        var name: String
        /// Keys as written ("w:val", "r:id", "id").
        var attributes: [String: String]

        /// An attribute by local name: unprefixed first, then any prefix.
        func attribute(_ local: String) -> String? {
            if let value = attributes[local] { return value }
            return prefixedAttribute(local)
        }

        /// An attribute with some prefix and this local name (`r:id`, not `id`).
        func prefixedAttribute(_ local: String) -> String? {
            attributes.first { key, _ in key.hasSuffix(":" + local) }?.value
        }
    }

    var onStart: (Element) -> Void = { _ in }
    var onEnd: (_ qualifiedName: String, _ name: String) -> Void = { _, _ in }
    var onText: (String) -> Void = { _ in }

    static func refuseDocumentType(_ data: Data, part: String) throws(MediaError) {
        let head = data.prefix(64 << 10)
        if ByteSearch.first("<!DOCTYPE", in: head) != nil || ByteSearch.first("<!ENTITY", in: data) != nil {
            throw .unsupportedFormat("\(part) has an XML document type declaration (refused: entity expansion guard)")
        }
    }

    /// Parses `data`; returns false when the XML was malformed (what was read before stays read).
    @discardableResult
    func parse(_ data: Data, part: String) throws(MediaError) -> Bool {
        try Self.refuseDocumentType(data, part: part)
        let delegate = Delegate(self)
        let parser = XMLParser(data: XMPPacketParser.wellFormedUTF8(data))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        return parser.parse()
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        let events: XMLEventReader

        init(_ events: XMLEventReader) {
            self.events = events
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            events.onStart(Element(qualifiedName: elementName, name: Self.local(elementName), attributes: attributes))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            events.onEnd(elementName, Self.local(elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            events.onText(string)
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            events.onText(String(decoding: CDATABlock, as: UTF8.self))
        }

        private static func local(_ name: String) -> String {
            guard let colon = name.lastIndex(of: ":") else { return name }
            return String(name[name.index(after: colon)...])
        }
    }
}

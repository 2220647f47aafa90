import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the Dublin Core and XMP Rights fields of an XMP packet (embedded or a sidecar `.xmp`).
/// Understands the RDF forms writers use: rdf:Bag / rdf:Seq lists, rdf:Alt language alternatives
/// (x-default preferred) and simple properties written as attributes of rdf:Description.
/// External entities are never resolved.
enum XMPPacketParser {
    /// Packets larger than this are not XMP anyone meant to write.
    static let maximumSize = 16 << 20

    static func parse(_ packet: Data) -> XMPInfo? {
        guard !packet.isEmpty, packet.count <= maximumSize else { return nil }
        let collector = XMPCollector()
        let parser = XMLParser(data: wellFormedUTF8(packet))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        _ = parser.parse()
        // A parse error keeps the fields read before it.
        let info = collector.info
        return info == XMPInfo() ? nil : info
    }

    /// XMP is UTF-8 (rarely UTF-16). Damaged bytes are replaced before parsing: FoundationXML on
    /// Linux traps on element names that are not valid UTF-8 instead of reporting an error.
    /// Trailing NULs and padding after the packet are dropped.
    static func wellFormedUTF8(_ packet: Data) -> Data {
        var bytes = [UInt8](packet)
        while let last = bytes.last, last == 0 { bytes.removeLast() }
        let text: String
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            let bigEndian = bytes[0] == 0xFE
            var units: [UInt16] = []
            var index = 2
            while index + 1 < bytes.count {
                let first = UInt16(bytes[index])
                let second = UInt16(bytes[index + 1])
                units.append(bigEndian ? first << 8 | second : second << 8 | first)
                index += 2
            }
            text = String(decoding: units, as: UTF16.self)
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        // U+FFFD replacement characters are valid UTF-8 but not valid in XML names: the parser then
        // reports an error and the fields read so far are kept.
        return Data(text.utf8)
    }

    static func parse(fileAt url: URL) -> XMPInfo? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = attributes[.size] as? NSNumber, size.intValue <= maximumSize,
              let data = try? Data(contentsOf: url) else { return nil }
        return parse(data)
    }

    /// Fields from `sidecar` win over `embedded`; lists are taken whole from whichever has them.
    static func merge(embedded: XMPInfo?, sidecar: XMPInfo?) -> XMPInfo? {
        guard let sidecar else { return embedded }
        guard let embedded else { return sidecar }
        var merged = embedded
        if !sidecar.keywords.isEmpty { merged.keywords = sidecar.keywords }
        if !sidecar.creators.isEmpty { merged.creators = sidecar.creators }
        merged.rights = sidecar.rights ?? embedded.rights
        merged.usageTerms = sidecar.usageTerms ?? embedded.usageTerms
        merged.webStatement = sidecar.webStatement ?? embedded.webStatement
        merged.marked = sidecar.marked ?? embedded.marked
        merged.title = sidecar.title ?? embedded.title
        merged.description = sidecar.description ?? embedded.description
        return merged
    }
}

private enum XMPNamespace {
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let xmpRights = "http://ns.adobe.com/xap/1.0/rights/"
    static let xml = "http://www.w3.org/XML/1998/namespace"
}

/// The XMP properties Stockroom reads, by namespace URI and local name.
private enum XMPProperty: CaseIterable {
    case subject, creator, rights, title, description, usageTerms, webStatement, marked

    init?(namespace: String, name: String) {
        switch (namespace, name) {
        case (XMPNamespace.dc, "subject"): self = .subject
        case (XMPNamespace.dc, "creator"): self = .creator
        case (XMPNamespace.dc, "rights"): self = .rights
        case (XMPNamespace.dc, "title"): self = .title
        case (XMPNamespace.dc, "description"): self = .description
        case (XMPNamespace.xmpRights, "UsageTerms"): self = .usageTerms
        case (XMPNamespace.xmpRights, "WebStatement"): self = .webStatement
        case (XMPNamespace.xmpRights, "Marked"): self = .marked
        default: return nil
        }
    }
}

/// Resolves prefixes itself (namespace processing off) so attribute-form properties resolve the
/// same way elements do.
private final class XMPCollector: NSObject, XMLParserDelegate {
    private(set) var info = XMPInfo()

    private var scopes: [[String: String]] = [["xml": XMPNamespace.xml]]
    /// The property element being read, its list items and language alternatives.
    private var property: XMPProperty?
    private var propertyDepth = 0
    private var depth = 0
    private var items: [String] = []
    private var defaultItem: String?
    private var itemLanguage: String?
    private var text = ""
    private var inItem = false

    private func resolve(_ qualifiedName: String) -> (namespace: String, name: String) {
        // Not split(separator:): it drops empty parts, and the name ":" (a fuzzed 4-byte packet,
        // "<:\0a") left none, so reading the first one trapped and took the process down.
        var prefix = ""
        var name = qualifiedName
        if let colon = qualifiedName.firstIndex(of: ":") {
            prefix = String(qualifiedName[..<colon])
            name = String(qualifiedName[qualifiedName.index(after: colon)...])
        }
        for scope in scopes.reversed() {
            if let uri = scope[prefix] { return (uri, name) }
        }
        return ("", name)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        var scope: [String: String] = [:]
        for (key, value) in attributes {
            if key == "xmlns" { scope[""] = value }
            else if key.hasPrefix("xmlns:") { scope[String(key.dropFirst(6))] = value }
        }
        scopes.append(scope)
        let element = resolve(elementName)

        if property == nil {
            if element.namespace == XMPNamespace.rdf && element.name == "Description" {
                for (key, value) in attributes where !key.hasPrefix("xmlns") {
                    let attribute = resolve(key)
                    if let simple = XMPProperty(namespace: attribute.namespace, name: attribute.name) {
                        store(simple, values: [value], defaultValue: nil)
                    }
                }
            }
            if let found = XMPProperty(namespace: element.namespace, name: element.name) {
                property = found
                propertyDepth = depth
                items = []
                defaultItem = nil
                text = ""
                // rdf:resource="https://…" is how some writers put WebStatement.
                if let resource = attributes.first(where: { resolve($0.key) == (XMPNamespace.rdf, "resource") })?.value {
                    items.append(resource)
                }
            }
            return
        }
        if element.namespace == XMPNamespace.rdf && element.name == "li" {
            inItem = true
            text = ""
            itemLanguage = attributes.first(where: { resolve($0.key) == (XMPNamespace.xml, "lang") })?.value
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if property != nil { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        defer {
            scopes.removeLast()
            depth -= 1
        }
        guard let current = property else { return }
        let element = resolve(elementName)
        if inItem && element.namespace == XMPNamespace.rdf && element.name == "li" {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty {
                items.append(value)
                if itemLanguage?.lowercased() == "x-default" { defaultItem = value }
            }
            inItem = false
            text = ""
            return
        }
        if depth == propertyDepth {
            let simple = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if items.isEmpty && !simple.isEmpty { items.append(simple) }
            store(current, values: items, defaultValue: defaultItem)
            property = nil
            text = ""
        }
    }

    private func store(_ property: XMPProperty, values: [String], defaultValue: String?) {
        let cleaned = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard let first = defaultValue ?? cleaned.first else { return }
        switch property {
        case .subject:
            for keyword in cleaned where !info.keywords.contains(keyword) { info.keywords.append(keyword) }
        case .creator:
            for creator in cleaned where !info.creators.contains(creator) { info.creators.append(creator) }
        case .rights: info.rights = first
        case .title: info.title = first
        case .description: info.description = first
        case .usageTerms: info.usageTerms = first
        case .webStatement: info.webStatement = first
        case .marked:
            switch first.lowercased() {
            case "true", "1": info.marked = true
            case "false", "0": info.marked = false
            default: break
            }
        }
    }
}

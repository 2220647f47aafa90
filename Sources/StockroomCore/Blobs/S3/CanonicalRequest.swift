import Foundation

/// The parts of an HTTP request that Signature V4 signs, with the path and query *decoded*
/// (`/photos/a b.jpg`, `prefix=ab/cd`): the canonical form does the percent-encoding, so a caller
/// never has to guess whether a value is already encoded.
public struct SignableRequest: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var path: String
    public var query: [Field]
    /// Every header listed here is signed; a header added after signing is not.
    public var headers: [Field]

    public init(method: String, path: String, query: [Field] = [], headers: [Field] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    public func headerValue(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
        headers.append(Field(name, value))
    }

    /// The path and query as they go on the wire: `/a%20b.jpg?prefix=ab%2Fcd`, encoded exactly as
    /// they were signed (S3 compares its own canonical form of what it receives).
    public var encodedPathAndQuery: String {
        let query = CanonicalRequest.canonicalQuery(query)
        let path = CanonicalRequest.encodePath(path)
        return query.isEmpty ? path : "\(path)?\(query)"
    }
}

/// The canonical request of AWS Signature Version 4 and the encoding rules it is built from.
///
/// ```
/// METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n PayloadHash
/// ```
public enum CanonicalRequest {
    /// RFC 3986 percent-encoding of everything but the unreserved characters `A–Z a–z 0–9 - . _ ~`,
    /// with upper-case hex digits, of the UTF-8 bytes. A space is `%20`, never `+`.
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Each segment of the decoded path encoded once, the `/` between segments kept. This is S3's
    /// rule: an object key is signed exactly as written, `//` and `..` included.
    public static func encodePath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        return encode(absolute, keepingSlash: true)
    }

    /// The path with `.` and `..` segments resolved and empty segments dropped (RFC 3986 §5.2.4),
    /// a trailing slash kept. Generic AWS services sign this form; S3 never normalises.
    public static func normalizePath(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var kept: [Substring] = []
        for segment in segments {
            switch segment {
            case ".": continue
            case "..": if !kept.isEmpty { kept.removeLast() }
            default: kept.append(segment)
            }
        }
        let last = path.split(separator: "/", omittingEmptySubsequences: false).last
        let trailingSlash = path.hasSuffix("/") || last == "." || last == ".."
        var result = "/" + kept.joined(separator: "/")
        if trailingSlash && !kept.isEmpty { result += "/" }
        return result
    }

    /// Names and values encoded, then sorted by name and, for a repeated name, by value (byte
    /// order of the encoded forms); `name=` for a parameter without a value.
    public static func canonicalQuery(_ query: [SignableRequest.Field]) -> String {
        query
            .map { (name: encode($0.name), value: encode($0.value)) }
            .sorted { a, b in
                a.name == b.name ? a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
                                 : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// Header names lower-cased and trimmed; values trimmed with runs of spaces collapsed to one;
    /// a repeated header's values joined with `,` in the order given; sorted by name.
    public static func canonicalHeaders(_ headers: [SignableRequest.Field]) -> (canonical: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = trimmed(header.name).lowercased()
            values[name, default: []].append(collapsingSpaces(trimmed(header.value)))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let canonical = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n"))
    }

    private static func collapsingSpaces(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousWasSpace = false
        for character in text {
            let isSpace = character == " " || character == "\t"
            if isSpace {
                if !previousWasSpace { out.append(" ") }
            } else {
                out.append(character)
            }
            previousWasSpace = isSpace
        }
        return out
    }

    /// The canonical request text. `normalizingPath` is false for S3 and true for the generic
    /// services of AWS's test suite.
    public static func text(for request: SignableRequest, payloadHash: String, normalizingPath: Bool) -> String {
        let path = normalizingPath ? normalizePath(request.path) : request.path
        let headers = canonicalHeaders(request.headers)
        return [
            request.method.uppercased(),
            encodePath(path),
            canonicalQuery(request.query),
            headers.canonical,
            headers.signed,
            payloadHash,
        ].joined(separator: "\n")
    }
}

/// One HTTP/1 request head read from the raw bytes of a connection, for the share-link fast path
/// that sits in front of NIO's HTTP/1 decoder (`ShareRenditionFastPath`).
///
/// It only has to say three things, and it is strict so that it never frames a request
/// differently from the decoder behind it: where the request ends (the head and a
/// `Content-Length` body), whether it is a plain `view` request the fast path may answer, and —
/// for anything it does not fully understand — that the connection should be handed to the
/// decoder for good. Anything outside the plain grammar (bare CR or LF, folded lines, control
/// characters, a malformed request line, `Transfer-Encoding`, `Upgrade`, `Expect`, `CONNECT`, an
/// odd or repeated `Content-Length`, a head over `maxBytes`) is handed over; the decoder then
/// answers or refuses it exactly as it would without the fast path.
struct RawRequestHead {
    /// What the bytes at the start of a connection's buffer are.
    enum Outcome {
        /// Not a whole head yet (and nothing wrong so far).
        case incomplete
        /// Something only the HTTP/1 decoder should judge; it gets this and every later byte.
        case handOver
        /// A whole head of `headLength` bytes followed by `bodyLength` body bytes.
        case request(RawRequestHead)
    }

    /// Longest head the fast path reads before handing the connection over.
    static let maxBytes = 8 * 1024

    var headLength: Int
    var bodyLength: Int
    /// The plain `view` request this is, if the fast path may answer it: GET or HEAD, HTTP/1.1,
    /// `/s/{token}/assets/{id}/view/{file}` without a query or escapes, no body, keep-alive, and
    /// only headers whose effect the fast path knows (`understoodFields`), none of them repeated
    /// but `Cookie`, all values ASCII.
    var view: ViewRequest?

    /// Headers that leave the view route's answer as it is (or that it reads: `Cookie`,
    /// `If-None-Match`, `User-Agent`); any other makes a request go to the router. Lowercase.
    static let understoodFields: Set<String> = [
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "cookie", "if-none-match", "connection",
        "referer", "cache-control", "pragma", "dnt", "upgrade-insecure-requests", "priority", "sec-gpc",
        "sec-fetch-dest", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
    ]

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let end = headEnd(bytes) else {
            return bytes.count > maxBytes || !plausiblePrefix(bytes) ? .handOver : .incomplete
        }
        guard end <= maxBytes else { return .handOver }
        return parseHead(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
    }

    /// The length of the head including its blank line, if it is all there.
    private static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = 3
        while index < bytes.count {
            let byte = bytes[index]
            if byte == lf {
                if bytes[index - 1] == cr, bytes[index - 2] == lf, bytes[index - 3] == cr { return index + 1 }
                index += 1
            } else if byte == cr {
                index += 1
            } else {
                // Neither CR nor LF: the blank line cannot end before index + 4.
                index += 4
            }
        }
        return nil
    }

    /// Whether an incomplete head could still become one this reader accepts: a request line
    /// `METHOD SP target SP HTTP/1.x CRLF` (a common method) and `name: value CRLF` lines, read as
    /// far as they have come. At the first byte that breaks that grammar the decoder gets the bytes, so it refuses
    /// them at once, as it would without the fast path (a TLS hello, a bad header name, a bare CR
    /// or LF), instead of the request waiting for a head end that changes nothing.
    private static func plausiblePrefix(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enum Part { case method, target, version(Int), lineFeed, lineStart, name, value }
        var part = Part.method
        var partLength = 0
        for byte in bytes {
            switch part {
            case .method:
                if byte == space {
                    guard commonMethods.contains(where: { $0.elementsEqual(bytes[0..<partLength]) }) else { return false }
                    part = .target
                    partLength = 0
                } else if commonMethods.contains(where: { partLength < $0.count && $0[partLength] == byte
                              && $0[0..<partLength].elementsEqual(bytes[0..<partLength]) }) {
                    partLength += 1
                } else {
                    return false
                }
            case .target:
                if byte == space, partLength > 0 {
                    part = .version(0)
                } else if byte > space, byte < 0x7F {
                    partLength += 1
                } else {
                    return false
                }
            case let .version(index):
                if index == http11.count {
                    guard byte == cr else { return false }
                    part = .lineFeed
                } else {
                    guard byte == http11[index] || (index == http11.count - 1 && byte == http10[index]) else { return false }
                    part = .version(index + 1)
                }
            case .lineFeed:
                guard byte == lf else { return false }
                part = .lineStart
            case .lineStart:
                if byte == cr {
                    part = .lineFeed
                } else if isTokenCharacter(byte) {
                    part = .name
                } else {
                    return false
                }
            case .name:
                if byte == colon {
                    part = .value
                } else if !isTokenCharacter(byte) {
                    return false
                }
            case .value:
                if byte == cr {
                    part = .lineFeed
                } else if (byte < 0x20 && byte != tab) || byte == 0x7F || byte == lf {
                    return false
                }
            }
        }
        return true
    }

    private static func parseHead(_ head: UnsafeRawBufferPointer) -> Outcome {
        // Lines end in CRLF; the last two bytes are the blank line's.
        var lines: [Range<Int>] = []
        var start = 0
        var index = 0
        let count = head.count - 2
        while index < count {
            let byte = head[index]
            if byte == cr {
                guard index + 1 < head.count, head[index + 1] == lf else { return .handOver }
                lines.append(start..<index)
                index += 2
                start = index
                continue
            }
            if byte == lf || (byte < 0x20 && byte != tab) || byte == 0x7F { return .handOver }
            index += 1
        }
        guard let requestLine = lines.first else { return .handOver }

        // METHOD SP request-target SP HTTP/1.x
        let line = head[requestLine]
        guard let firstSpace = line.firstIndex(of: space), firstSpace > line.startIndex,
              line[line.startIndex..<firstSpace].allSatisfy(isTokenCharacter) else { return .handOver }
        let targetStart = firstSpace + 1
        guard let secondSpace = line[targetStart...].firstIndex(of: space), secondSpace > targetStart,
              line[targetStart..<secondSpace].allSatisfy({ $0 > space && $0 < 0x7F }) else { return .handOver }
        let version = line[(secondSpace + 1)...]
        let isHTTP11: Bool
        if version.elementsEqual(http11) { isHTTP11 = true } else if version.elementsEqual(http10) { isHTTP11 = false } else { return .handOver }
        let method = line[line.startIndex..<firstSpace]
        if method.elementsEqual(connect) { return .handOver }
        let isGet = method.elementsEqual(get)
        let isHead = method.elementsEqual(headMethod)

        var contentLength: Int?
        var answerable = (isGet || isHead) && isHTTP11
        var host = false, userAgent: String?, ifNoneMatch: String?, connection = false
        var cookies: [String] = []
        for range in lines.dropFirst() {
            let field = head[range]
            guard let colonIndex = field.firstIndex(of: colon), colonIndex > field.startIndex,
                  field[field.startIndex..<colonIndex].allSatisfy(isTokenCharacter) else { return .handOver }
            var valueStart = colonIndex + 1
            var valueEnd = field.endIndex
            while valueStart < valueEnd, head[valueStart] == space || head[valueStart] == tab { valueStart += 1 }
            while valueEnd > valueStart, head[valueEnd - 1] == space || head[valueEnd - 1] == tab { valueEnd -= 1 }
            let name = lowercased(field[field.startIndex..<colonIndex])
            let value = field[valueStart..<valueEnd]
            switch name {
            case "content-length":
                guard contentLength == nil, !value.isEmpty, value.count <= 15, value.allSatisfy({ $0 >= zero && $0 <= nine }) else {
                    return .handOver
                }
                contentLength = value.reduce(0) { $0 * 10 + Int($1 - zero) }
                answerable = false
            case "transfer-encoding", "upgrade", "expect":
                return .handOver
            default:
                guard answerable else { continue }
                guard understoodFields.contains(name), value.allSatisfy({ $0 < 0x80 }) else {
                    answerable = false
                    continue
                }
                let text = String(decoding: value, as: UTF8.self)
                switch name {
                case "host":
                    if host { answerable = false }
                    host = true
                case "user-agent":
                    if userAgent != nil { answerable = false }
                    userAgent = text
                case "if-none-match":
                    if ifNoneMatch != nil { answerable = false }
                    ifNoneMatch = text
                case "connection":
                    if connection || text.lowercased() != "keep-alive" { answerable = false }
                    connection = true
                case "cookie":
                    cookies.append(text)
                default:
                    break
                }
            }
        }
        var parsed = RawRequestHead(headLength: head.count, bodyLength: contentLength ?? 0, view: nil)
        if answerable, let route = ViewRoute(target: head[targetStart..<secondSpace]) {
            parsed.view = ViewRequest(token: route.token, assetId: route.assetId, file: route.file, isHead: isHead,
                                      ifNoneMatch: ifNoneMatch, cookies: cookies, userAgent: userAgent)
        }
        return .request(parsed)
    }

    /// `tchar` of RFC 9110.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    private static func lowercased(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: bytes.lazy.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
    private static let colon = UInt8(ascii: ":"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    private static let http11 = Array("HTTP/1.1".utf8), http10 = Array("HTTP/1.0".utf8)
    /// Methods a request may start with and still wait for the rest of its head here; any other
    /// goes to the decoder at once, which knows its own list (and refuses `ET` or `GO` at once).
    private static let commonMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"].map { Array($0.utf8) }
    private static let get = Array("GET".utf8), headMethod = Array("HEAD".utf8), connect = Array("CONNECT".utf8)
}

extension ViewRoute {
    /// The route from a request target's bytes, as `init(path:)` reads the same text.
    init?(target: Slice<UnsafeRawBufferPointer>) {
        let slash = UInt8(ascii: "/")
        guard !target.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") }) else { return nil }
        let parts = target.split(separator: slash, maxSplits: 7, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0].isEmpty, parts[1].elementsEqual([UInt8(ascii: "s")]), parts[3].elementsEqual(Self.assets),
              parts[5].elementsEqual(Self.view), !parts[2].isEmpty, !parts[4].isEmpty, !parts[6].isEmpty
        else { return nil }
        token = String(decoding: parts[2], as: UTF8.self)
        assetId = String(decoding: parts[4], as: UTF8.self)
        file = String(decoding: parts[6], as: UTF8.self)
    }

    private static let assets = Array("assets".utf8), view = Array("view".utf8)
}

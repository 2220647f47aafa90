import Foundation
import HTTPTypes
import Hummingbird
import StockroomCore

/// JSON bodies in Stockroom's public shape (camelCase keys, ISO-8601 dates, sorted keys).
enum JSONResponse {
    /// `htmlSafe` writes `<`, `>`, `&`, U+2028 and U+2029 inside strings as `\u` escapes (the
    /// same JSON once parsed): text clients typed cannot close a tag or a script should anyone
    /// embed the JSON in a page.
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
                                   htmlSafe: Bool = false) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.xContentTypeOptions] = "nosniff"
        var data = try JSONEncoder.stockroom.encode(value)
        if htmlSafe { data = htmlSafeJSON(data) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Outside strings JSON has none of these characters, so replacing them byte-wise only
    /// changes how strings are spelled.
    static func htmlSafeJSON(_ data: Data) -> Data {
        var out = Data()
        out.reserveCapacity(data.count + 16)
        var index = data.startIndex
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: Array("\\u003c".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("\\u003e".utf8))
            case UInt8(ascii: "&"): out.append(contentsOf: Array("\\u0026".utf8))
            case 0xE2 where index + 2 < data.endIndex && data[index + 1] == 0x80 && (data[index + 2] == 0xA8 || data[index + 2] == 0xA9):
                out.append(contentsOf: Array((data[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                index += 2
            default: out.append(byte)
            }
            index += 1
        }
        return out
    }
}

enum HTMLResponse {
    /// Gallery pages load nothing from elsewhere and run no script; the policy says so, and the
    /// referrer policy keeps the share token out of other sites' logs.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    /// Pages of COMMENT and EDIT links also run the gallery's one script, from this server only,
    /// and it talks only to this server.
    static let reviewContentSecurityPolicy =
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func make(_ html: String, status: HTTPResponse.Status = .ok, scripts: Bool = false) -> Response {
        Response(status: status, headers: scripts ? reviewHeaders : headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static var reviewHeaders: HTTPFields {
        var fields = headers
        fields[.contentSecurityPolicy] = reviewContentSecurityPolicy
        return fields
    }

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    static var headers: HTTPFields {
        [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy, referrerPolicy: "no-referrer",
            .xContentTypeOptions: "nosniff", frameOptions: "DENY",
        ]
    }
}

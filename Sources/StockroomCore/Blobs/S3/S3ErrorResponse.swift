import Foundation

/// The `<Error><Code>…</Code><Message>…</Message></Error>` document S3 returns with a failure,
/// and how each kind of failure is reported to the domain.
struct S3ErrorResponse: Sendable, Equatable {
    var status: Int
    var code: String?
    var message: String?

    init(status: Int, body: Data) {
        self.status = status
        self.code = S3XML.firstValue(of: "Code", in: body)
        self.message = S3XML.firstValue(of: "Message", in: body)
    }

    /// Worth another attempt: the server is busy or broken, not the request.
    var isRetryable: Bool {
        if status >= 500 || status == 429 { return true }
        switch code {
        case "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed": return true
        default: return false
        }
    }

    var summary: String {
        let what = [code, message].compactMap { $0 }.joined(separator: ": ")
        return what.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(what)"
    }

    /// One line that says what failed, on which object, and why.
    func domainError(operation: String, object: String, location: S3Location) -> DomainError {
        switch (status, code) {
        case (_, "NoSuchBucket"):
            return .storage("S3 bucket \(location.bucket) does not exist at \(location.endpoint.absoluteString)")
        case (404, _), (_, "NoSuchKey"):
            return .notFound("\(object) is missing from \(location)")
        case (_, "NoSuchUpload"):
            return .storage("S3 \(operation) of \(object) failed: the multipart upload is gone (\(summary))")
        case (_, "InvalidAccessKeyId"), (_, "SignatureDoesNotMatch"), (_, "AccessDenied"), (403, _), (401, _):
            return .storage("S3 refused \(operation) of \(object) in \(location): \(summary); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        case (301, _), (307, _), (_, "PermanentRedirect"), (_, "AuthorizationHeaderMalformed"):
            return .storage("S3 \(operation) of \(object): \(summary); is region=\(location.region) the bucket's region?")
        case (416, _), (_, "InvalidRange"):
            return .invalidArgument("S3 \(operation) of \(object): the range lies outside the object (\(summary))")
        default:
            return .storage("S3 \(operation) of \(object) in \(location) failed: \(summary)")
        }
    }
}

/// Just enough XML for S3's small response documents: the text of the first `<Tag>` element.
enum S3XML {
    static func firstValue(of tag: String, in body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(tag)>"),
              let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return unescape(String(text[open.upperBound..<close.lowerBound]))
    }

    /// The text of every `<Tag>` element, in document order (S3 list results).
    static func allValues(of tag: String, in body: Data) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        var values: [String] = []
        var searchFrom = text.startIndex
        while let open = text.range(of: "<\(tag)>", range: searchFrom..<text.endIndex),
              let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) {
            values.append(unescape(String(text[open.upperBound..<close.lowerBound])))
            searchFrom = close.upperBound
        }
        return values
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// One S3 API call before it is signed: the object (or the bucket), parameters, extra headers
/// and a body held in memory (a part of at most the part size, never a whole large file).
struct S3Request: Sendable {
    var method: HTTPMethod
    /// The object key; nil addresses the bucket.
    var key: String?
    var query: [SignableRequest.Field] = []
    var headers: [SignableRequest.Field] = []
    var body: ByteBuffer?
    /// `x-amz-content-sha256`: the body's SHA-256, or UNSIGNED-PAYLOAD.
    var payloadHash: String
    /// "PUT", "GET range", "multipart complete": names the operation in error messages.
    var operation: String

    init(_ method: HTTPMethod, key: String?, query: [SignableRequest.Field] = [], headers: [SignableRequest.Field] = [],
         body: ByteBuffer? = nil, signPayload: Bool = true, operation: String) {
        self.method = method
        self.key = key
        self.query = query
        self.headers = headers
        self.body = body
        self.operation = operation
        if let body, signPayload {
            payloadHash = body.withUnsafeReadableBytes { bytes in
                var hasher = SHA256()
                hasher.update(bufferPointer: bytes)
                return SignatureV4.hex(hasher.finalize())
            }
        } else if body == nil {
            payloadHash = SignatureV4.emptyPayloadHash
        } else {
            payloadHash = SignatureV4.unsignedPayload
        }
    }
}

/// Where a response body goes: kept in memory (bounded), written to a file while being hashed,
/// or only hashed. Error bodies (non-2xx) are always kept, up to 64 KiB, to read S3's error code.
enum S3BodySink: Sendable {
    case collect(limit: Int)
    case file(URL)
    case hashOnly
}

struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    /// The body for `.collect` sinks and for error responses; empty otherwise.
    var body: Data
    var bytesReceived: Int64
    /// SHA-256 of the body, for `.file` and `.hashOnly` sinks.
    var sha256: String?

    var isSuccess: Bool { (200..<300).contains(status) }
    var error: S3ErrorResponse { S3ErrorResponse(status: status, body: body) }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

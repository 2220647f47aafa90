import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), for the `Authorization` header and for presigned
/// URLs. Tested against AWS's published test suite and S3's worked examples
/// (Tests/Fixtures/aws-sig-v4) and cross-checked against botocore.
///
/// ```
/// StringToSign = "AWS4-HMAC-SHA256" \n amzDate \n date/region/service/aws4_request \n hex(SHA256(CanonicalRequest))
/// SigningKey   = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
/// Signature    = hex(HMAC(SigningKey, StringToSign))
/// ```
public struct SignatureV4: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The `x-amz-content-sha256` of a body that is not hashed into the signature (S3 only).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    /// Generic AWS services sign the path with dot segments and `//` resolved; S3 signs it as written.
    public var normalizesPath: Bool

    public init(credentials: AWSCredentials, region: String, service: String = "s3", normalizesPath: Bool? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizesPath = normalizesPath ?? (service != "s3")
    }

    /// What a signature was computed from: a mismatch says only "wrong", these say where.
    public struct Signed: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var signedHeaders: String
        public var credentialScope: String
    }

    // MARK: Authorization header

    /// Signs `request` in place: adds `x-amz-date`, the session token if any, `x-amz-content-sha256`
    /// when `contentSHA256Header` (S3 requires it), then `Authorization`. A request that already has
    /// an `x-amz-date` is signed with that date (the test suite's requests carry their own).
    @discardableResult
    public func sign(_ request: inout SignableRequest, payloadHash: String, date: Date,
                     contentSHA256Header: Bool = true) -> Signed {
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        let amzDate = request.headerValue("x-amz-date") ?? Self.amzDate(date)
        if request.headerValue("x-amz-date") == nil { request.setHeader("x-amz-date", amzDate) }
        if let token = credentials.sessionToken { request.setHeader("x-amz-security-token", token) }
        if contentSHA256Header { request.setHeader("x-amz-content-sha256", payloadHash) }
        let signed = signature(of: request, payloadHash: payloadHash, amzDate: amzDate)
        request.setHeader("Authorization", authorization(signed))
        return signed
    }

    public func authorization(_ signed: Signed) -> String {
        "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(signed.credentialScope), "
            + "SignedHeaders=\(signed.signedHeaders), Signature=\(signed.signature)"
    }

    /// The signature of `request` exactly as it is (no headers added).
    public func signature(of request: SignableRequest, payloadHash: String, amzDate: String) -> Signed {
        let canonical = CanonicalRequest.text(for: request, payloadHash: payloadHash, normalizingPath: normalizesPath)
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, amzDate, scope, Self.hexSHA256(Data(canonical.utf8))].joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        return Signed(canonicalRequest: canonical, stringToSign: stringToSign, signature: signature,
                      signedHeaders: CanonicalRequest.canonicalHeaders(request.headers).signed, credentialScope: scope)
    }

    /// The key derived from the secret for one day, region and service.
    public func signingKey(day: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }

    // MARK: Presigned URLs

    /// The query of a presigned URL for `request` (which must carry its `host` header): the
    /// request's own parameters plus `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`,
    /// `-SignedHeaders`, the session token if any, and `X-Amz-Signature`. The payload is
    /// `UNSIGNED-PAYLOAD`, as S3 expects of a URL handed to someone else.
    public func presign(_ request: SignableRequest, date: Date, expiresIn seconds: Int,
                        payloadHash: String = SignatureV4.unsignedPayload) -> Presigned {
        let amzDate = Self.amzDate(date)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        var toSign = request
        toSign.headers.removeAll { $0.name.lowercased() == "x-amz-date" || $0.name.lowercased() == "authorization" }
        toSign.query += [
            .init("X-Amz-Algorithm", Self.algorithm),
            .init("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            .init("X-Amz-Date", amzDate),
            .init("X-Amz-Expires", String(seconds)),
            .init("X-Amz-SignedHeaders", CanonicalRequest.canonicalHeaders(toSign.headers).signed),
        ]
        if let token = credentials.sessionToken { toSign.query.append(.init("X-Amz-Security-Token", token)) }
        let signed = signature(of: toSign, payloadHash: payloadHash, amzDate: amzDate)
        let pathAndQuery = "\(toSign.encodedPathAndQuery)&X-Amz-Signature=\(signed.signature)"
        return Presigned(query: toSign.query + [.init("X-Amz-Signature", signed.signature)], pathAndQuery: pathAndQuery, signed: signed)
    }

    public struct Presigned: Sendable, Equatable {
        /// The request's parameters and the signing parameters, `X-Amz-Signature` last.
        public var query: [SignableRequest.Field]
        /// The encoded path and query, in canonical order with the signature appended, as AWS prints them.
        public var pathAndQuery: String
        public var signed: Signed
    }

    // MARK: Helpers

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC, computed without a date formatter.
    public static func amzDate(_ date: Date) -> String {
        let day = UTCDay(date)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(day.year)\(two(day.month))\(two(day.day))T\(two(secondOfDay / 3600))\(two(secondOfDay / 60 % 60))\(two(secondOfDay % 60))Z"
    }

    public static func hexSHA256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

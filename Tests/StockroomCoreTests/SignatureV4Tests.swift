import Crypto
import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

struct SuiteParseError: Error { var text: String }

/// One request of AWS's test-suite format (`NAME.req`): request line, headers, blank line, body.
struct SuiteRequest {
    var request: SignableRequest
    var body: Data

    init(text: String) throws {
        let (head, body): (Substring, Substring) = {
            guard let range = text.range(of: "\n\n") else { return (Substring(text), "") }
            return (text[..<range.lowerBound], text[range.upperBound...])
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst(), let method = requestLine.split(separator: " ").first else {
            throw SuiteParseError(text: text)
        }
        let target = requestLine.dropFirst(method.count + 1).replacingOccurrences(of: " HTTP/1.1", with: "")
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        var headers: [SignableRequest.Field] = []
        for line in lines {
            if line.first == " " || line.first == "\t", let last = headers.last {
                // A folded line is one more value of the header above it, as the suite reads it.
                headers.append(.init(last.name, String(line)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let fields: [SignableRequest.Field] = query.isEmpty ? [] : query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).removingPercentEncoding ?? String(s) }
            return .init(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        self.request = SignableRequest(method: String(method), path: path.removingPercentEncoding ?? path, query: fields, headers: headers)
        self.body = Data(body.utf8)
    }

    var payloadHash: String {
        request.headerValue("x-amz-content-sha256") ?? SignatureV4.hexSHA256(body)
    }
}

@Suite("AWS Signature Version 4")
struct SignatureV4Tests {
    static let fixtures = Corpus.repositoryRoot.appendingPathComponent("Tests/Fixtures/aws-sig-v4")

    static func caseNames(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".authz") }.map { String($0.dropLast(".authz".count)) }.sorted()
    }

    static func read(_ folder: String, _ name: String, _ ext: String) -> String? {
        try? String(contentsOf: fixtures.appendingPathComponent("\(folder)/\(name).\(ext)"), encoding: .utf8)
    }

    /// `20150830T123600Z` as a `Date`.
    static func date(_ amzDate: String) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return try #require(formatter.date(from: amzDate))
    }

    @Test("the fixtures are all there")
    func fixturesPresent() {
        #expect(Self.caseNames("suite").count >= 30)
        #expect(Self.caseNames("s3").count == 4)
    }

    @Test("AWS's Signature V4 test suite", arguments: caseNames("suite"))
    func suiteCase(name: String) throws {
        let parsed = try SuiteRequest(text: try #require(Self.read("suite", name, "req")))
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: Self.read("suite", name, "token"))
        let signer = SignatureV4(credentials: credentials, region: "us-east-1", service: "service",
                                 normalizesPath: !name.hasSuffix("-unnormalized"))
        var request = parsed.request
        let signed = signer.sign(&request, payloadHash: parsed.payloadHash, date: Date(), contentSHA256Header: false)
        if let creq = Self.read("suite", name, "creq") { #expect(signed.canonicalRequest == creq) }
        #expect(request.headerValue("Authorization") == Self.read("suite", name, "authz"))
    }

    @Test("Amazon S3's worked examples, stage by stage", arguments: caseNames("s3"))
    func s3Example(name: String) throws {
        let parsed = try SuiteRequest(text: try #require(Self.read("s3", name, "req")))
        let signer = SignatureV4(credentials: .init(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1")
        #expect(signer.normalizesPath == false)
        var request = parsed.request
        let signed = signer.sign(&request, payloadHash: parsed.payloadHash, date: Date())
        #expect(signed.canonicalRequest == Self.read("s3", name, "creq"))
        #expect(signed.stringToSign == Self.read("s3", name, "sts"))
        #expect(request.headerValue("Authorization") == Self.read("s3", name, "authz"))
    }

    @Test("Amazon S3's presigned URL example")
    func s3PresignedExample() throws {
        let parsed = try SuiteRequest(text: try #require(Self.read("s3", "presigned-get-object", "req")))
        let signer = SignatureV4(credentials: .init(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1")
        let presigned = signer.presign(parsed.request, date: try Self.date("20130524T000000Z"), expiresIn: 86_400)
        #expect(presigned.signed.canonicalRequest == Self.read("s3", "presigned-get-object", "creq"))
        #expect(presigned.signed.stringToSign == Self.read("s3", "presigned-get-object", "sts"))
        #expect("https://examplebucket.s3.amazonaws.com" + presigned.pathAndQuery == Self.read("s3", "presigned-get-object", "url"))
    }

    @Test("the signing key and the x-amz-date are derived as documented")
    func keyAndDate() throws {
        #expect(SignatureV4.amzDate(try Self.date("20150830T123600Z")) == "20150830T123600Z")
        #expect(SignatureV4.amzDate(Date(timeIntervalSince1970: 951_782_399)) == "20000228T235959Z")
        #expect(SignatureV4.amzDate(Date(timeIntervalSince1970: 951_868_800.75)) == "20000301T000000Z")
        // AWS's example of a derived key (General Reference, "Examples of how to derive a signing key").
        let signer = SignatureV4(credentials: .init(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "iam")
        let key = signer.signingKey(day: "20150830").withUnsafeBytes { SignatureV4.hex($0) }
        #expect(key == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let older = signer.signingKey(day: "20120215").withUnsafeBytes { SignatureV4.hex($0) }
        #expect(older == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("S3 paths keep slashes and encode everything else once; queries sort by encoded name")
    func encodingRules() {
        #expect(CanonicalRequest.encodePath("/bucket/ab/cd/a b+c$d~e.jpg") == "/bucket/ab/cd/a%20b%2Bc%24d~e.jpg")
        #expect(CanonicalRequest.encodePath("/b/café/../x") == "/b/caf%C3%A9/../x")
        #expect(CanonicalRequest.canonicalQuery([.init("uploadId", "a/b="), .init("partNumber", "2"), .init("uploads", "")])
            == "partNumber=2&uploadId=a%2Fb%3D&uploads=")
        #expect(CanonicalRequest.canonicalQuery([.init("a", "2"), .init("A", "1"), .init("a", "1")]) == "A=1&a=1&a=2")
        let headers = CanonicalRequest.canonicalHeaders([.init(" X-Amz-Meta-Note ", "  two   words\there  "), .init("Host", "h")])
        #expect(headers.canonical == "host:h\nx-amz-meta-note:two words here\n")
        #expect(headers.signed == "host;x-amz-meta-note")
    }

    /// botocore, the AWS SDK for Python, signs the same requests: a reference implementation, run
    /// as a process, not a copy of our own rules.
    @Test("the signatures agree with botocore's for S3 requests of the kinds the blob store sends",
          .enabled(if: ServerEnvironment.pythonHas("botocore") || ServerEnvironment.requireServers))
    func agreesWithBotocore() throws {
        guard let python = ServerEnvironment.executable("python3"), ServerEnvironment.pythonHas("botocore") else {
            Issue.record("python3 with botocore is needed to cross-check signatures (scripts/test-servers installs it)")
            return
        }
        let time = "20240301T101112Z"
        let credentials = AWSCredentials(accessKeyId: "AKIDSTOCKROOM", secretAccessKey: "s3cr3t/with+chars=", sessionToken: nil)
        let signer = SignatureV4(credentials: credentials, region: "eu-central-1")
        let host = "127.0.0.1:9000"
        let body = "the body of a small blob"
        let requests: [(SignableRequest, payload: String, presign: Int?)] = [
            (SignableRequest(method: "PUT", path: "/bucket/pre fix/ab/cd/abcd\u{1234}", headers: [.init("Content-Type", "application/octet-stream")]),
             SignatureV4.hexSHA256(Data(body.utf8)), nil),
            (SignableRequest(method: "GET", path: "/bucket/ab/cd/abcd", headers: [.init("Range", "bytes=100-199")]), SignatureV4.emptyPayloadHash, nil),
            (SignableRequest(method: "POST", path: "/bucket/big", query: [.init("uploads", "")]), SignatureV4.emptyPayloadHash, nil),
            (SignableRequest(method: "PUT", path: "/bucket/big", query: [.init("uploadId", "2~a/b+c=="), .init("partNumber", "10")]),
             SignatureV4.hexSHA256(Data(body.utf8)), nil),
            (SignableRequest(method: "GET", path: "/bucket", query: [.init("list-type", "2"), .init("prefix", "a b/"), .init("continuation-token", "x+/=")]),
             SignatureV4.emptyPayloadHash, nil),
            (SignableRequest(method: "GET", path: "/bucket/shared file.mov"), SignatureV4.unsignedPayload, 900),
        ]
        var specs: [[String: Any]] = []
        for (request, payload, presign) in requests {
            var headers: [String: String] = [:]
            for header in request.headers { headers[header.name] = header.value }
            if presign == nil { headers["X-Amz-Content-SHA256"] = payload }
            var spec: [String: Any] = ["method": request.method, "url": "http://\(host)\(request.encodedPathAndQuery)", "headers": headers]
            if payload != SignatureV4.emptyPayloadHash && payload != SignatureV4.unsignedPayload { spec["body"] = body }
            if let presign { spec["presignExpires"] = presign }
            specs.append(spec)
        }
        let input = try JSONSerialization.data(withJSONObject: [
            "time": time, "region": "eu-central-1", "accessKeyId": credentials.accessKeyId,
            "secretAccessKey": credentials.secretAccessKey, "requests": specs,
        ] as [String: Any])
        let output = try ServerEnvironment.run(python, [Corpus.repositoryRoot.appendingPathComponent("Tests/Fixtures/botocore/sign.py").path], input: input)
        let results = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
        #expect(results.count == requests.count)
        for (index, (original, payload, presign)) in requests.enumerated() {
            let reference = results[index]
            var request = original
            request.setHeader("Host", host)
            if let presign {
                let presigned = signer.presign(request, date: try Self.date(time), expiresIn: presign)
                request.query = presigned.query
                let referenceURL = try #require(reference["url"] as? String)
                let url = try #require(URLComponents(string: referenceURL))
                let theirs = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
                let ours = Dictionary(uniqueKeysWithValues: presigned.query.map { ($0.name, $0.value) })
                #expect(ours == theirs, "presigned \(original.path)")
            } else {
                signer.sign(&request, payloadHash: payload, date: try Self.date(time))
                let headers = try #require(reference["headers"] as? [String: String])
                #expect(request.headerValue("Authorization") == headers["authorization"], "\(original.method) \(original.path)")
                #expect(request.headerValue("x-amz-date") == headers["x-amz-date"])
            }
        }
    }
}

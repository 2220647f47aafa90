import Foundation

/// Where an S3 blob store keeps its objects, parsed from
/// `s3://BUCKET[/PREFIX]?endpoint=URL&region=R&pathStyle=true`.
///
/// Without `endpoint` the store talks to AWS (`https://s3.REGION.amazonaws.com`). Path-style
/// addressing (`ENDPOINT/BUCKET/KEY`) is the default for an endpoint that is an IP address or
/// `localhost` (moto, MinIO on loopback), virtual-hosted (`BUCKET.HOST/KEY`) otherwise.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Key prefix without leading or trailing `/`; empty for the bucket's root.
    public var prefix: String
    public var endpoint: URL
    public var region: String
    public var pathStyle: Bool

    public static let queryKeys = ["endpoint", "region", "pathStyle"]

    public init(bucket: String, prefix: String = "", endpoint: URL? = nil, region: String = "us-east-1", pathStyle: Bool? = nil) throws(DomainError) {
        guard Self.isValidBucketName(bucket) else {
            throw .invalidArgument("not an S3 bucket name: \(bucket) (3–63 lower-case letters, digits, '.' and '-')")
        }
        let endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")!
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = endpoint.host, !host.isEmpty else {
            throw .invalidArgument("the S3 endpoint must be an http:// or https:// URL: \(endpoint.absoluteString)")
        }
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.endpoint = endpoint
        self.region = region
        self.pathStyle = pathStyle ?? Self.isLiteralHost(host)
    }

    /// Parses an `s3://` URL. `environment` supplies `AWS_REGION` when the URL names no region.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "s3",
              let bucket = components.host, !bucket.isEmpty
        else {
            throw .invalidArgument("not an S3 URL: \(text) (expected s3://BUCKET[/PREFIX]?endpoint=URL&region=R&pathStyle=true)")
        }
        var endpoint: URL?
        var region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        var pathStyle: Bool?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "endpoint":
                guard let url = URL(string: value) else { throw .invalidArgument("not a URL in endpoint=\(value)") }
                endpoint = url
            case "region":
                guard !value.isEmpty else { throw .invalidArgument("region= needs a value in \(text)") }
                region = value
            case "pathStyle":
                switch value.lowercased() {
                case "true", "1", "yes": pathStyle = true
                case "false", "0", "no": pathStyle = false
                default: throw .invalidArgument("pathStyle must be true or false, not \(value)")
                }
            default:
                throw .invalidArgument("unknown S3 URL parameter \(item.name) in \(text) (known: \(Self.queryKeys.joined(separator: ", ")))")
            }
        }
        try self.init(bucket: bucket, prefix: components.path, endpoint: endpoint, region: region, pathStyle: pathStyle)
    }

    /// `s3://bucket/prefix` (no credentials are ever part of it).
    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

    /// The object key of a blob: `PREFIX/ab/cd/HASH`, sharded as on disk.
    public func key(for hash: String) -> String {
        let shard = "\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"
        return prefix.isEmpty ? shard : "\(prefix)/\(shard)"
    }

    /// The host (with a non-default port) and the decoded path for an object key, or for the
    /// bucket itself when `key` is nil.
    public func address(key: String?) -> (scheme: String, host: String, path: String) {
        let scheme = endpoint.scheme!.lowercased()
        var host = endpoint.host!
        if host.contains(":") { host = "[\(host)]" }  // IPv6 literal
        if let port = endpoint.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            host += ":\(port)"
        }
        let base = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        if pathStyle {
            return (scheme, host, base + "/" + bucket + (key.map { "/" + $0 } ?? ""))
        }
        return (scheme, "\(bucket).\(host)", base + "/" + (key ?? ""))
    }

    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func allowed(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) || b == 46 || b == 45 }
        func alphanumeric(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
        return bytes.allSatisfy(allowed) && alphanumeric(bytes.first!) && alphanumeric(bytes.last!)
    }

    static func isLiteralHost(_ host: String) -> Bool {
        if host == "localhost" || host.contains(":") { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}

import Crypto
import Foundation
import Yams

/// Outbound webhooks from `HOME/stockroom.yml`:
///
/// ```yaml
/// webhooks:
///   - url: https://hooks.example.com/stockroom
///     secret: a-long-random-string          # or secretEnv: STOCKROOM_WEBHOOK_SECRET
///     events: [comment.created, review.decided, asset.ingested]   # default: all three
///     maxAttempts: 10                      # default 10 (about 3 hours of retries)
/// ```
///
/// Each event is sent as a signed JSON POST (`WebhookSignature`), retried with backoff from the
/// durable job queue until it is answered with a 2xx.
public struct WebhookConfiguration: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var url: URL
        public var secret: String
        public var events: Set<WebhookEvent>
        public var maxAttempts: Int

        /// Names the endpoint in the catalog (its read position, its jobs) without the secret:
        /// the first 16 hex digits of the URL's SHA-256.
        public var id: String {
            SHA256.hash(data: Data(url.absoluteString.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
        }

        public init(url: URL, secret: String, events: Set<WebhookEvent> = Set(WebhookEvent.allCases), maxAttempts: Int = 10) {
            self.url = url
            self.secret = secret
            self.events = events
            self.maxAttempts = maxAttempts
        }
    }

    public var endpoints: [Endpoint]

    public init(endpoints: [Endpoint] = []) {
        self.endpoints = endpoints
    }

    public func endpoint(id: String) -> Endpoint? { endpoints.first { $0.id == id } }

    private struct FileKeys: Decodable {
        struct Hook: Decodable {
            var url: String
            var secret: String?
            var secretEnv: String?
            var events: [String]?
            var maxAttempts: Int?
        }
        var webhooks: [Hook]?
    }

    /// Reads the `webhooks:` key of `HOME/stockroom.yml` (a missing file or key: none).
    public static func load(home: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) -> WebhookConfiguration {
        let file = home.appendingPathComponent("stockroom.yml")
        guard let text = try? String(contentsOf: file, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return WebhookConfiguration()
        }
        let keys: FileKeys
        do { keys = try YAMLDecoder().decode(FileKeys.self, from: text) } catch {
            throw .invalidArgument("\(file.path): webhooks: \(error)")
        }
        return try parse(keys.webhooks ?? [], environment: environment, source: file.path)
    }

    private static func parse(_ hooks: [FileKeys.Hook], environment: [String: String], source: String) throws(DomainError) -> WebhookConfiguration {
        var endpoints: [Endpoint] = []
        for (index, hook) in hooks.enumerated() {
            let place = "\(source): webhooks[\(index)]"
            guard let url = URL(string: hook.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host != nil else {
                throw .invalidArgument("\(place): url must be an http:// or https:// URL (got \"\(hook.url)\")")
            }
            let secret: String
            switch (hook.secret, hook.secretEnv) {
            case let (value?, nil): secret = value
            case let (nil, variable?):
                guard let value = environment[variable], !value.isEmpty else { throw .invalidArgument("\(place): \(variable) is not set") }
                secret = value
            default: throw .invalidArgument("\(place): give exactly one of secret and secretEnv")
            }
            guard secret.utf8.count >= 16 else { throw .invalidArgument("\(place): the secret must be at least 16 characters") }
            var events = Set(WebhookEvent.allCases)
            if let names = hook.events {
                events = []
                for name in names {
                    guard let event = WebhookEvent(rawValue: name) else {
                        throw .invalidArgument("\(place): unknown event \(name) (known: \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    events.insert(event)
                }
            }
            let attempts = hook.maxAttempts ?? 10
            guard (1...50).contains(attempts) else { throw .invalidArgument("\(place): maxAttempts is 1 to 50") }
            endpoints.append(Endpoint(url: url, secret: secret, events: events, maxAttempts: attempts))
        }
        return WebhookConfiguration(endpoints: endpoints)
    }
}

/// The events a webhook can receive: the activity-log actions of the same name.
public enum WebhookEvent: String, Codable, Sendable, CaseIterable {
    case commentCreated = "comment.created"
    case reviewDecided = "review.decided"
    case assetIngested = "asset.ingested"
}

import Foundation

/// How `stockroom serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Marks share-session cookies `Secure`; turn on when clients reach the server over HTTPS.
    public var secureCookies: Bool
    /// Time added before answering a wrong share password, on top of bcrypt's own cost.
    public var wrongPasswordDelay: Duration
    /// Wrong share passwords one address may send within `passwordWindow` before it gets 429.
    public var maxPasswordFailures: Int
    public var passwordWindow: TimeInterval
    /// Public base URL for links printed by the CLI, e.g. `https://share.example.com`.
    public var publicBaseURL: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
                wrongPasswordDelay: Duration = .seconds(1), maxPasswordFailures: Int = 5, passwordWindow: TimeInterval = 600,
                publicBaseURL: String? = nil) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.wrongPasswordDelay = wrongPasswordDelay
        self.maxPasswordFailures = maxPasswordFailures
        self.passwordWindow = passwordWindow
        self.publicBaseURL = publicBaseURL
    }
}

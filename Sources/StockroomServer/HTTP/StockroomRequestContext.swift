import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import StockroomCore

/// The request context of every Stockroom route: the client's address (for the share access log
/// and password rate limiting), the API key the authenticator found, and Stockroom's JSON
/// conventions.
public struct StockroomRequestContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, so streamed bodies can wait for it to drain (see `ConnectionDrain`).
    let channel: any Channel
    /// Set by `APIKeyAuthenticator` on admin routes.
    public var identity: APIKey?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }

    public var requestDecoder: JSONDecoder { .stockroom }
    public var responseEncoder: JSONEncoder { .stockroom }

    /// The client's IP address as text.
    public var clientAddress: String? { remoteAddress?.ipAddress }

    /// Who acts through the admin API.
    public var actor: Actor { Actor(kind: .apiKey, name: identity?.name ?? "api") }
}

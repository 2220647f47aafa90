import Foundation
import Hummingbird
import NIOCore
import StockroomCore

/// The request context of every Stockroom route: the client's address (for the share access log
/// and password rate limiting), the authenticated API key, and Stockroom's JSON conventions.
public struct StockroomRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by `APIKeyMiddleware` on admin routes.
    public var apiKey: APIKey?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var requestDecoder: JSONDecoder { .stockroom }
    public var responseEncoder: JSONEncoder { .stockroom }

    /// The client's IP address as text.
    public var clientAddress: String? { remoteAddress?.ipAddress }

    /// Who acts through the admin API.
    public var actor: Actor { Actor(kind: .apiKey, name: apiKey?.name ?? "api") }
}

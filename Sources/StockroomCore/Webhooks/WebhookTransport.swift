import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends one webhook POST and returns the status code, for the dispatcher's thread (it blocks
/// on the request's future, like `S3Transport`'s synchronous calls: never call it from an event
/// loop or the cooperative pool). Redirects are not followed; each attempt has `timeout`.
public final class WebhookTransport: Sendable {
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(10), write: .seconds(10)),
            decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }()

    public let timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(15)) {
        self.timeout = timeout
    }

    /// The answer's status, or a thrown reason the request got none.
    public func post(_ url: URL, headers: [(String, String)], body: Data) throws -> Int {
        var request = try HTTPClient.Request(url: url.absoluteString, method: .POST)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let response = try Self.client.execute(request: request, deadline: .now() + timeout).wait()
        return Int(response.status.code)
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer

/// Runs the real application on a loopback port with AsyncHTTPClient as the client; the server
/// is shut down when `body` returns or throws.
func withLiveServer<Value: Sendable>(
    _ fixture: ShareFixture,
    configuration: ServerConfiguration = ServerConfiguration(port: 0, wrongPasswordDelay: .milliseconds(20)),
    _ body: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let app = try buildApplication(home: fixture.home, configuration: configuration)
    return try await app.test(.ahc(.http), body)
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var bytes: Data { Data(body.readableBytesView) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: bytes) as? [String: Any] ?? [:]
    }

    func jsonArray() throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: bytes) as? [[String: Any]] ?? []
    }
}

let acceptJSON: HTTPFields = [.accept: "application/json"]

/// The `name=value` part of a Set-Cookie header.
func cookiePair(_ setCookie: String?) -> String? {
    setCookie?.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import StockroomServer
import Testing
import Yams

@Suite("Docs/openapi.yaml matches the router")
struct OpenAPIDocumentTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Docs/openapi.yaml")

    static func documentedRoutes() throws -> Set<String> {
        let yaml = try String(contentsOf: document, encoding: .utf8)
        let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        #expect((root["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(root["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var routes = Set<String>()
        for (path, item) in paths {
            for key in (item as? [String: Any] ?? [:]).keys where methods.contains(key) {
                routes.insert("\(key.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyDocumentedRouteExistsAndEveryRouteIsDocumented() throws {
        let fixture = try ShareFixture()
        let router = try buildRouter(home: fixture.home)
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = try Self.documentedRoutes()
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from Docs/openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the router does not have")
        #expect(registered.count >= 25)
    }

    /// Each documented admin route answers (401 without a key), so the path really is served.
    @Test func documentedAdminRoutesAnswerWithoutAKeyWith401() async throws {
        let fixture = try ShareFixture()
        let routes = try Self.documentedRoutes().filter { $0.contains(" /api/v1/") }
        let app = Application(router: try buildRouter(home: fixture.home))
        try await app.test(.router) { client in
            for route in routes.sorted() {
                let parts = route.split(separator: " ", maxSplits: 1)
                let uri = String(parts[1])
                    .replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{assetId}", with: "1")
                    .replacingOccurrences(of: "{slug}", with: "x").replacingOccurrences(of: "{token}", with: "t")
                    .replacingOccurrences(of: "{type}", with: "PREVIEW")
                let response = try await client.execute(uri: uri, method: HTTPRequest.Method(String(parts[0]))!)
                #expect(response.status == .unauthorized, "\(route)")
            }
        }
    }
}

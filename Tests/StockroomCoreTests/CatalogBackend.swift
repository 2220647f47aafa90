import Foundation
import Testing
@testable import StockroomCore
import StockroomTestSupport

/// The two catalogs, for suites that must hold for both. PostgreSQL runs against the server of
/// scripts/test-servers, each test in a schema of its own (so tests stay independent and may run
/// in parallel); it is left out when no server is configured, and fails clearly when CI demands it.
enum CatalogBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var available: [CatalogBackend] { ServerEnvironment.runPostgresTests ? allCases : [.sqlite] }

    /// Prepares `home` to open on this backend: for PostgreSQL, a fresh schema named in the
    /// home's stockroom.yml (so every later open, and any `stockroom` process, finds it).
    func prepare(home: URL) throws -> PostgresTestSchema? {
        guard self == .postgres else { return nil }
        let schema = try PostgresTestSchema()
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "catalog: \(schema.catalogURL)\n".write(to: home.appendingPathComponent("stockroom.yml"), atomically: true, encoding: .utf8)
        return schema
    }

    /// A fresh data home on this backend in `dir`.
    func home(at root: URL) throws -> (DataHome, PostgresTestSchema?) {
        let schema = try prepare(home: root)
        return (try DataHome.initialize(at: root, environment: [:]), schema)
    }

    /// A fresh data home on this backend. A PostgreSQL schema made for it is left on the
    /// throwaway test server (scripts/test-servers deletes the whole cluster afterwards).
    func initHome(at root: URL) throws -> DataHome {
        let schema = try prepare(home: root)
        let home = try DataHome.initialize(at: root, environment: [:])
        if let schema { PostgresTestSchema.keep(schema) }
        return home
    }
}

/// A schema on the test PostgreSQL server, dropped when the last reference goes.
final class PostgresTestSchema: @unchecked Sendable {
    let url: PostgresURL
    let name = "t_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))"

    init() throws {
        let text = try #require(ServerEnvironment.postgresURL, Comment(rawValue: ServerEnvironment.missingPostgres))
        url = try PostgresURL(text)
    }

    /// The catalog URL naming this schema.
    var catalogURL: String {
        let password = url.password.map { ":\($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0)" } ?? ""
        return "postgresql://\(url.user)\(password)@\(url.host):\(url.port)/\(url.database)?schema=\(name)"
    }

    private static let kept = NSLock()
    nonisolated(unsafe) private static var keptSchemas: [PostgresTestSchema] = []

    /// Keeps the schema for the rest of the run (it is not dropped).
    static func keep(_ schema: PostgresTestSchema) {
        kept.withLock { keptSchemas.append(schema) }
    }

    deinit {
        let admin = PostgresConnectionPool(url: url, maxConnections: 1)
        try? admin.dropSchema(name)
        admin.shutdown()
    }
}

import Foundation

/// A PostgreSQL connection named by `postgresql://USER[:PASS]@HOST[:PORT]/DB[?schema=NAME]`
/// (or `postgres://`). `schema` puts the catalog in a schema of its own (several homes in one
/// database; each test its own). The password never appears in `description`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// The schema to work in (`search_path`); nil for the server's default (`public`).
    public var schema: String?

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String, schema: String? = nil) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.schema = schema
    }

    public init(_ text: String) throws(DomainError) {
        let usage = "expected postgresql://USER[:PASS]@HOST[:PORT]/DB"
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "postgresql" || scheme == "postgres"
        else { throw .invalidArgument("not a PostgreSQL URL: \(Self.redacting(text)) (\(usage))") }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw .invalidArgument("the PostgreSQL URL \(Self.redacting(text)) names no user (\(usage))")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidArgument("the PostgreSQL URL \(Self.redacting(text)) names no host (\(usage))")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidArgument("the PostgreSQL URL \(Self.redacting(text)) names no database (\(usage))")
        }
        var schema: String?
        for item in components.queryItems ?? [] {
            guard item.name == "schema", let value = item.value, !value.isEmpty else {
                throw .invalidArgument("the PostgreSQL URL \(Self.redacting(text)) has parameters Stockroom does not read: \(components.query ?? "")")
            }
            schema = try PostgresConnectionPool.identifier(value)
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw .invalidArgument("not a port: \(port) in \(Self.redacting(text))") }
        self.init(user: user, password: components.percentEncodedPassword?.removingPercentEncoding, host: host,
                  port: port, database: database, schema: schema)
    }

    public var description: String {
        "postgresql://\(user)\(password == nil ? "" : ":•••")@\(host):\(port)/\(database)\(schema.map { "?schema=\($0)" } ?? "")"
    }

    /// `text` with any password replaced, for error messages.
    static func redacting(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://"),
              let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "•••" + String(text[at...])
    }
}

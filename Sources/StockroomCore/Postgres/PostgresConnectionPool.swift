import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A small pool of PostgreSQL connections for synchronous callers (the pipeline's threads).
///
/// Queries use postgres-nio's EventLoopFuture interface and the calling thread waits on the
/// future, so nothing here needs the Swift cooperative pool; the connections live on an
/// event-loop group of their own. A call on an event-loop thread is refused (blocking there
/// would stall the loop), as with `S3Transport`.
public final class PostgresConnectionPool: @unchecked Sendable {
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    public let url: PostgresURL
    /// The schema every connection works in (`search_path`); nil for the server's default.
    public let schema: String?
    public let maxConnections: Int
    let logger: Logger

    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 1
    private var isShutDown = false

    public init(url: PostgresURL, schema: String? = nil, maxConnections: Int = 8, logger: Logger = Logger(label: "stockroom.postgres")) {
        self.url = url
        self.schema = schema
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    var configuration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return configuration
    }

    /// Opens a connection outside the pool (for LISTEN, which holds its connection).
    func connect() throws(DomainError) -> PostgresConnection {
        try Self.refuseEventLoop()
        let id = condition.withLock { () -> Int in
            defer { nextID += 1 }
            return nextID
        }
        do {
            return try PostgresConnection.connect(on: Self.eventLoopGroup.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            throw PostgresErrors.domainError(error, url: url, doing: "connect")
        }
    }

    /// Runs `body` with a connection of the pool; a connection that broke is not returned to it.
    public func withConnection<T>(_ body: (PostgresConnection) throws(DomainError) -> T) throws(DomainError) -> T {
        let connection = try checkout()
        do {
            let value = try body(connection)
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction (`BEGIN` … `COMMIT`, `ROLLBACK` when it throws).
    public func transaction<T>(_ body: (PostgresConnection) throws(DomainError) -> T) throws(DomainError) -> T {
        try withConnection { connection throws(DomainError) -> T in
            try self.run("BEGIN", on: connection)
            do throws(DomainError) {
                let value = try body(connection)
                try self.run("COMMIT", on: connection)
                return value
            } catch {
                _ = try? self.run("ROLLBACK", on: connection)
                throw error
            }
        }
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    public func run(_ query: PostgresQuery, on connection: PostgresConnection) throws(DomainError) -> PostgresQueryResult {
        try Self.refuseEventLoop()
        do {
            return try connection.query(query, logger: logger).wait()
        } catch {
            throw PostgresErrors.domainError(error, url: url, doing: String(query.sql.prefix(60)))
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func run(_ query: PostgresQuery) throws(DomainError) -> PostgresQueryResult {
        try withConnection { connection throws(DomainError) in try self.run(query, on: connection) }
    }

    /// Creates a schema (for an isolated queue: tests, benchmarks, one instance per schema).
    public func createSchema(_ name: String) throws(DomainError) {
        try run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(try Self.identifier(name))"))
    }

    public func dropSchema(_ name: String) throws(DomainError) {
        try run(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(try Self.identifier(name)) CASCADE"))
    }

    /// A plain lower-case SQL identifier, refused otherwise (it is spliced into DDL).
    static func identifier(_ name: String) throws(DomainError) -> String {
        let allowed = name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
        guard allowed, let first = name.utf8.first, !(48...57).contains(first), name.utf8.count <= 63 else {
            throw .invalidArgument("not a plain schema name (a–z, 0–9, _): \(name)")
        }
        return name
    }

    public func shutdown() {
        let connections = condition.withLock { () -> [PostgresConnection] in
            isShutDown = true
            defer { idle = [] }
            return idle
        }
        for connection in connections { try? Self.close(connection).wait() }
    }

    deinit {
        for connection in idle { _ = Self.close(connection) }
    }

    private func checkout() throws(DomainError) -> PostgresConnection {
        try Self.refuseEventLoop()
        condition.lock()
        while idle.isEmpty && open >= maxConnections && !isShutDown { condition.wait() }
        if isShutDown {
            condition.unlock()
            throw .storage("the PostgreSQL connection pool for \(url) is shut down")
        }
        if let connection = idle.popLast() {
            condition.unlock()
            if !connection.isClosed { return connection }
            condition.withLock { open -= 1 }
            return try checkout()
        }
        open += 1
        condition.unlock()
        do {
            return try connect()
        } catch {
            condition.withLock {
                open -= 1
                condition.signal()
            }
            throw error
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        condition.withLock {
            if connection.isClosed || isShutDown {
                open -= 1
                _ = Self.close(connection)
            } else {
                idle.append(connection)
            }
            condition.signal()
        }
    }

    /// Closes a connection without blocking. The connection is kept alive until it is closed:
    /// postgres-nio asserts that no connection is released open.
    @discardableResult
    static func close(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
        return closing
    }

    static func refuseEventLoop() throws(DomainError) {
        guard MultiThreadedEventLoopGroup.currentEventLoop == nil else {
            throw .storage("a synchronous PostgreSQL call was made on an event-loop thread")
        }
    }
}

/// PostgreSQL failures as one line each.
enum PostgresErrors {
    static func domainError(_ error: any Error, url: PostgresURL, doing: String) -> DomainError {
        if let error = error as? DomainError { return error }
        guard let error = error as? PSQLError else {
            return .storage("PostgreSQL at \(url): \(doing) failed: \(error)")
        }
        if let server = error.serverInfo {
            let state = server[.sqlState] ?? "?"
            let message = server[.message] ?? "server error"
            // Constraint violations as the SQLite catalog reports them (StoreErrorMapping).
            if state == "23505" { return .alreadyExists("already exists (PostgreSQL: \(message))") }
            if state == "23503" { return .conflict("refers to a missing or still-referenced row (PostgreSQL: \(message))") }
            if state == "23514" || state == "23502" { return .invalidArgument("value not allowed (PostgreSQL: \(message))") }
            if state == "28P01" || state == "28000" {
                return .storage("PostgreSQL at \(url) refused the login: \(message)")
            }
            if state == "3D000" { return .storage("PostgreSQL at \(url): \(message)") }
            return .storage("PostgreSQL: \(message) (SQLSTATE \(state)) in: \(doing)")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return .storage("PostgreSQL at \(url) is unreachable (\(error.code)\(underlying))")
        default:
            return .storage("PostgreSQL at \(url): \(doing) failed: \(error.code)")
        }
    }
}

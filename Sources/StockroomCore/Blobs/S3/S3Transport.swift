import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends signed requests to one bucket, retrying what is worth retrying, for synchronous callers
/// (pipeline threads) and async ones alike.
///
/// **Threads.** Requests run on a small event-loop group of their own (two threads, shared by
/// every S3 store in the process), never on the cooperative pool and never on an event loop
/// of the HTTP server. A synchronous call blocks its calling thread on the request's future;
/// that is safe from any thread *except* an event-loop thread (where blocking would stall, or
/// deadlock, the loop), so it refuses with an error there. Called from a Swift `Task` it works
/// but ties up a cooperative thread for the request's duration: async code should use the
/// async methods (`BlobStore.stream`), which suspend instead of blocking.
///
/// **Retries.** Connection failures, timeouts, 5xx, 429 and S3's `SlowDown`/`RequestTimeout` are
/// retried with exponential backoff and jitter (0.2 s, 0.4 s, 0.8 s, … up to 5 s; five attempts
/// by default); every attempt is signed afresh. Other 4xx answers are final.
final class S3Transport: Sendable {
    struct RetryPolicy: Sendable {
        var maxAttempts = 5
        var baseDelay = 0.2
        var maxDelay = 5.0

        func delay(afterAttempt attempt: Int) -> TimeAmount {
            let exponential = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
            let jittered = exponential * Double.random(in: 0.5...1.0)
            return .milliseconds(Int64(jittered * 1000))
        }
    }

    /// A request that never produced an answer worth mapping (the connection kept failing).
    struct Unreachable: Error, CustomStringConvertible {
        var underlying: String
        var attempts: Int
        var description: String { attempts > 1 ? "\(underlying) (after \(attempts) attempts)" : underlying }
    }

    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    static let fileThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()
    /// One client, one connection pool per host, for the life of the process (like
    /// `HTTPClient.shared`, it is never shut down). Redirects are not followed: a signed request
    /// sent to another host fails anyway, and S3's redirect names the region problem clearly.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60), write: .seconds(60)),
            decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }()

    /// For `BlobStore.stream`: the same, with a 10-minute idle read timeout. The client's read
    /// timer keeps running while a slow consumer holds back the body (backpressure), so the
    /// synchronous client's 60 s would cut off a paused download.
    static let streamingClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .minutes(10), write: .seconds(60)),
            decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }()

    let location: S3Location
    let credentials: AWSCredentials
    let retry: RetryPolicy
    /// The longest one attempt may take, from connecting to the last byte.
    let attemptTimeout: TimeAmount
    let logger: Logger

    init(location: S3Location, credentials: AWSCredentials, retry: RetryPolicy = RetryPolicy(),
         attemptTimeout: TimeAmount = .seconds(600), logger: Logger = Logger(label: "stockroom.s3")) {
        self.location = location
        self.credentials = credentials
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.logger = logger
    }

    private var signer: SignatureV4 { SignatureV4(credentials: credentials, region: location.region) }

    /// The URL and signed headers of `request`, signed now.
    func signedParts(_ request: S3Request) -> (url: String, headers: HTTPHeaders) {
        let address = location.address(key: request.key)
        var signable = SignableRequest(method: request.method.rawValue, path: address.path, query: request.query,
                                       headers: request.headers + [.init("Host", address.host)])
        signer.sign(&signable, payloadHash: request.payloadHash, date: Date())
        var headers = HTTPHeaders()
        for header in signable.headers { headers.add(name: header.name, value: header.value) }
        return ("\(address.scheme)://\(address.host)\(signable.encodedPathAndQuery)", headers)
    }

    /// A presigned GET URL for an object, valid for `seconds`.
    func presignedURL(key: String, expiresIn seconds: Int) -> String {
        let address = location.address(key: key)
        let signable = SignableRequest(method: "GET", path: address.path, headers: [.init("Host", address.host)])
        return "\(address.scheme)://\(address.host)\(signer.presign(signable, date: Date(), expiresIn: seconds).pathAndQuery)"
    }

    // MARK: Future-based core

    func execute(_ request: S3Request, sink: S3BodySink) -> EventLoopFuture<S3Response> {
        let eventLoop = Self.eventLoopGroup.next()
        let promise = eventLoop.makePromise(of: S3Response.self)
        attempt(request, sink: sink, number: 1, on: eventLoop, promise: promise)
        return promise.futureResult
    }

    private func attempt(_ request: S3Request, sink: S3BodySink, number: Int, on eventLoop: EventLoop,
                         promise: EventLoopPromise<S3Response>) {
        let delegate: S3ResponseDelegate
        let httpRequest: HTTPClient.Request
        do {
            delegate = try S3ResponseDelegate(sink: sink, pool: Self.fileThreadPool)
            let parts = signedParts(request)
            httpRequest = try HTTPClient.Request(url: parts.url, method: request.method, headers: parts.headers,
                                                 body: request.body.map { .byteBuffer($0) })
        } catch {
            promise.fail(error)
            return
        }
        let task = Self.client.execute(request: httpRequest, delegate: delegate, eventLoop: .delegate(on: eventLoop),
                                       deadline: .now() + attemptTimeout)
        task.futureResult.whenComplete { [self] result in
            let retryReason: String?
            switch result {
            case let .success(response):
                retryReason = !response.isSuccess && response.error.isRetryable ? response.error.summary : nil
                if retryReason == nil || number >= retry.maxAttempts {
                    promise.succeed(response)
                    return
                }
            case let .failure(error):
                retryReason = Self.isRetryable(error) ? String(describing: error) : nil
                if retryReason == nil || number >= retry.maxAttempts {
                    promise.fail(error is S3ResponseDelegate.SinkFailure ? error : Unreachable(underlying: Self.describe(error), attempts: number))
                    return
                }
            }
            let delay = retry.delay(afterAttempt: number)
            logger.warning("S3 request failed; retrying", metadata: [
                "operation": "\(request.operation)", "key": "\(request.key ?? "")", "attempt": "\(number)",
                "reason": "\(retryReason ?? "")", "delayMs": "\(delay.nanoseconds / 1_000_000)",
            ])
            eventLoop.scheduleTask(in: delay) {
                self.attempt(request, sink: sink, number: number + 1, on: eventLoop, promise: promise)
            }
        }
    }

    static func isRetryable(_ error: Error) -> Bool {
        if error is S3ResponseDelegate.SinkFailure { return false }
        if let error = error as? HTTPClientError {
            let final: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme, .cancelled, .alreadyShutdown,
                                            .bodyLengthMismatch]
            return !final.contains(error)
        }
        return true  // connection refused, reset, DNS: the server may be restarting
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "no data for 60 s (read timeout)"
            case .deadlineExceeded: return "the request took too long"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return String(describing: error)
            }
        }
        if let error = error as? IOError { return "network error: \(error.description)" }
        return String(describing: error)
    }

    // MARK: Synchronous and async entry points

    /// Runs `request` and waits for its answer. Throws a `DomainError` for transport failures;
    /// an S3 error answer is returned for the caller to map (404 means different things).
    func perform(_ request: S3Request, sink: S3BodySink = .collect(limit: 1 << 20)) throws(DomainError) -> S3Response {
        guard MultiThreadedEventLoopGroup.currentEventLoop == nil else {
            throw .storage("S3 \(request.operation) was called synchronously on an event-loop thread; use the async API there")
        }
        do {
            return try execute(request, sink: sink).wait()
        } catch {
            throw transportError(error, request)
        }
    }

    func perform(_ request: S3Request, sink: S3BodySink = .collect(limit: 1 << 20)) async throws(DomainError) -> S3Response {
        do {
            return try await execute(request, sink: sink).get()
        } catch {
            throw transportError(error, request)
        }
    }

    func transportError(_ error: Error, _ request: S3Request) -> DomainError {
        let object = request.key.map { "s3://\(location.bucket)/\($0)" } ?? location.description
        return .storage("S3 \(request.operation) of \(object) at \(location.endpoint.absoluteString) failed: \(error)")
    }

    /// The domain error for an S3 error answer.
    func failure(_ response: S3Response, _ request: S3Request, object: String) -> DomainError {
        response.error.domainError(operation: request.operation, object: object, location: location)
    }
}

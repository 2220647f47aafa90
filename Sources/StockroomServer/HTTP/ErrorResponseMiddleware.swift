import Foundation
import Hummingbird
import Logging
import NIOCore
import StockroomCore

/// Turns errors into responses at the HTTP boundary, in one shape: `{"error": {"code", "message"}}`
/// for API clients and a small page for browsers on share links. Domain and share errors carry
/// their status (`HTTPResponseError`); a body that does not decode gets a 400 naming the field;
/// anything unexpected becomes a 500 that reveals nothing of the internals.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DomainError {
            if case .storage = error {
                context.logger.error("storage failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return error.errorResponse(for: request)
        } catch let error as ShareAccessError {
            return error.errorResponse(for: request)
        } catch let error as DecodingError {
            return ErrorBody.response(status: .badRequest, code: "invalid_body", message: DecodingErrorMessage.describe(error), request: request)
        } catch let error as HTTPError {
            // Hummingbird's own: unknown routes, bodies over the limit, missing identities.
            let message = error.body ?? Self.defaultMessage(error.status, request: request)
            return ErrorBody.response(status: error.status, code: ErrorBody.code(for: error.status), message: message, request: request,
                                      headers: error.headers)
        } catch is NIOTooManyBytesError {
            // A body over the route's limit (`collectBody(upTo:)`).
            return ErrorBody.response(status: .contentTooLarge, code: "payload_too_large", message: "the request body is too large",
                                      request: request)
        } catch let error as CancellationError {
            // The client went away: nothing to answer, nothing to report.
            throw error
        } catch let error as BlobIntegrityError {
            context.logger.error("blob integrity failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ErrorBody.response(status: .internalServerError, code: "internal", message: "internal error", request: request)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ErrorBody.response(status: .internalServerError, code: "internal", message: "internal error", request: request)
        }
    }

    static func defaultMessage(_ status: HTTPResponse.Status, request: Request) -> String {
        switch status.code {
        case 404: return request.prefersHTML ? ShareAccessError.notFound.description : "no such route: \(request.method.rawValue) \(request.uri.path)"
        case 401: return "a valid API key is required"
        case 405: return "method not allowed"
        case 413: return "the request body is too large"
        default: return status.reasonPhrase
        }
    }
}

/// The body of an error: JSON `{"error": {"code": "not_found", "message": "…"}}` for API
/// clients, a small page for browsers navigating a share link.
enum ErrorBody {
    struct Payload: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    static func response(status: HTTPResponse.Status, code: String, message: String, request: Request, headers extra: HTTPFields = [:]) -> Response {
        var response: Response
        if request.prefersHTML {
            let page = GalleryPage.errorPage(status: status, message: message)
            response = Response(status: status, headers: HTMLResponse.headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        } else {
            let json = (try? JSONEncoder.stockroom.encode(Payload(error: .init(code: code, message: message)))) ?? Data()
            response = Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        for field in extra where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "invalid_argument"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 410: return "gone"
        case 413: return "payload_too_large"
        case 415: return "unsupported_media"
        case 416: return "range_not_satisfiable"
        case 429: return "rate_limited"
        default: return status.code >= 500 ? "internal" : "error"
        }
    }
}

extension Request {
    /// Whether the client asked for JSON (`Accept: application/json`) rather than a page.
    var wantsJSON: Bool {
        let accept = headers[.accept]?.lowercased() ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }

    /// A browser navigating a share link: HTML unless JSON is asked for; API routes and the
    /// review routes (JSON in, JSON out) always JSON.
    var prefersHTML: Bool {
        uri.path.hasPrefix("/s/") && !wantsJSON && !isClientReviewRoute
    }

    /// `/s/{token}/assets/{assetId}/comments`, `…/review`, `…/selection`.
    var isClientReviewRoute: Bool {
        let parts = uri.path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[1] == "s" && parts[3] == "assets" && ["comments", "review", "selection"].contains(parts[5])
    }
}

extension ShareAccessError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .expired: return .gone
        case .passwordRequired, .wrongPassword: return .unauthorized
        case .rateLimited: return .tooManyRequests
        case .downloadNotAllowed, .notAllowed: return .forbidden
        }
    }

    var code: String {
        switch self {
        case .notFound: return "not_found"
        case .expired: return "expired"
        case .passwordRequired: return "password_required"
        case .wrongPassword: return "wrong_password"
        case .rateLimited: return "rate_limited"
        case .downloadNotAllowed: return "download_not_allowed"
        case .notAllowed: return "forbidden"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        errorResponse(for: request)
    }

    func errorResponse(for request: Request) -> Response {
        var response = ErrorBody.response(status: status, code: code, message: description, request: request)
        if case let .rateLimited(seconds) = self { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}

extension DomainError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .alreadyExists, .conflict: return .conflict
        case .invalidArgument: return .badRequest
        case .unsupportedMedia: return .unsupportedMediaType
        case .storage: return .internalServerError
        }
    }

    var code: String {
        switch self {
        case .notFound: return "not_found"
        case .alreadyExists: return "already_exists"
        case .conflict: return "conflict"
        case .invalidArgument: return "invalid_argument"
        case .unsupportedMedia: return "unsupported_media"
        case .storage: return "internal"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        errorResponse(for: request)
    }

    /// Storage failures say nothing of the internals.
    func errorResponse(for request: Request) -> Response {
        if case .storage = self { return ErrorBody.response(status: status, code: code, message: "internal error", request: request) }
        return ErrorBody.response(status: status, code: code, message: description, request: request)
    }
}

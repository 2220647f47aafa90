import Foundation
import Hummingbird
import Logging
import StockroomCore

/// Turns errors into responses at the HTTP boundary: domain and share errors get their status and
/// a one-line message; anything unexpected becomes a 500 that reveals nothing of the internals.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            // Paths under /s that match no route get the same page as an unknown link.
            if error.status == .notFound, request.prefersHTML {
                return ErrorBody.response(status: .notFound, message: ShareAccessError.notFound.description, request: request)
            }
            throw error
        } catch let error as ShareAccessError {
            var response = ErrorBody.response(status: error.httpStatus, message: error.description, request: request)
            if case let .rateLimited(seconds) = error { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch let error as DomainError {
            if case .storage = error {
                context.logger.error("storage failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return ErrorBody.response(status: .internalServerError, message: "internal error", request: request)
            }
            return ErrorBody.response(status: error.httpStatus, message: error.description, request: request)
        } catch is DecodingError {
            return ErrorBody.response(status: .badRequest, message: "the request body is not valid JSON of the expected shape", request: request)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ErrorBody.response(status: .internalServerError, message: "internal error", request: request)
        }
    }
}

/// The body of an error: JSON `{"error": "...", "status": N}` for API clients, a small page for browsers.
enum ErrorBody {
    static func response(status: HTTPResponse.Status, message: String, request: Request) -> Response {
        if request.prefersHTML {
            let page = GalleryPage.errorPage(status: status, message: message)
            return Response(status: status, headers: HTMLResponse.headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        let json = (try? JSONEncoder.stockroom.encode(["error": message, "status": String(status.code)])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension Request {
    /// Whether the client asked for JSON (`Accept: application/json`) rather than a page.
    var wantsJSON: Bool {
        let accept = headers[.accept]?.lowercased() ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }

    /// A browser navigating a share link: HTML unless JSON is asked for; API routes always JSON.
    var prefersHTML: Bool {
        uri.path.hasPrefix("/s/") && !wantsJSON
    }
}

extension ShareAccessError {
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .expired: return .gone
        case .passwordRequired, .wrongPassword: return .unauthorized
        case .rateLimited: return .tooManyRequests
        case .downloadNotAllowed: return .forbidden
        }
    }
}

extension DomainError {
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .alreadyExists, .conflict: return .conflict
        case .invalidArgument: return .badRequest
        case .unsupportedMedia: return .unsupportedMediaType
        case .storage: return .internalServerError
        }
    }
}

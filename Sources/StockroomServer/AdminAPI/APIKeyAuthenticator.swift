import HTTPTypes
import Hummingbird
import HummingbirdAuth
import StockroomCore

/// Finds the API key a request presents, as `Authorization: Bearer srk_…` or `X-API-Key: srk_…`
/// (hummingbird-auth's authenticator middleware: it sets the context's identity). The key check
/// is a catalog read and a write of `lastUsedAt`, so it runs on the blocking pool.
struct APIKeyAuthenticator: AuthenticatorMiddleware {
    typealias Context = StockroomRequestContext
    typealias Identity = APIKey
    let keys: APIKeyService
    let work: BlockingWork

    static let headerName = HTTPField.Name("X-API-Key")!

    func authenticate(request: Request, context: Context) async throws -> APIKey? {
        var presented: String?
        if let bearer = request.headers.bearer {
            presented = bearer.token.trimmingCharacters(in: .whitespaces)
        } else if let value = request.headers[Self.headerName] {
            presented = value.trimmingCharacters(in: .whitespaces)
        }
        guard let presented, !presented.isEmpty else { return nil }
        let keys = self.keys
        return try await work.run { keys.authenticate(presented) }
    }
}

/// Refuses admin requests without an identity: 401 in the API's error shape, with the scheme.
struct RequireAPIKey: RouterMiddleware {
    typealias Context = StockroomRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity != nil else {
            var response = ErrorBody.response(status: .unauthorized, code: "unauthorized", message: "a valid API key is required", request: request)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"stockroom\""
            return response
        }
        return try await next(request, context)
    }
}

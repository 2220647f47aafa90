import HTTPTypes
import Hummingbird
import StockroomCore

/// Admits admin API requests that carry an active key, as `Authorization: Bearer srk_…` or
/// `X-API-Key: srk_…`; everything else gets 401.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = StockroomRequestContext
    let keys: APIKeyService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var presented: String?
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            presented = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let header = HTTPField.Name("X-API-Key"), let value = request.headers[header] {
            presented = value.trimmingCharacters(in: .whitespaces)
        }
        guard let presented, let key = keys.authenticate(presented) else {
            var response = try JSONResponse.make(["error": "a valid API key is required", "status": "401"], status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"stockroom\""
            return response
        }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }
}

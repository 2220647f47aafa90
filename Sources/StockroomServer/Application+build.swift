import Hummingbird
import StockroomCore

public func buildRouter() -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/health") { _, _ in "ok" }
    return router
}

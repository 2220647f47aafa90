import Foundation
import Hummingbird
import NIOCore
import StockroomCore

/// `GET /`: what a person (or a monitor) finds at the server's root — the name, the version,
/// how many assets the catalog holds and where the routes and docs are — as a small page, or
/// JSON with `Accept: application/json`. It names no share link and needs no key.
struct StatusPage: Sendable {
    struct Status: Encodable, Sendable {
        var name = "Stockroom"
        var version = StockroomVersion.current
        var assetCount: Int
        var galleries = "/s/{token}"
        var api = "/api/v1"
        var health = "/health"
        var docs = "Docs/http.md and Docs/openapi.yaml in the Stockroom source tree"
    }

    let count: @Sendable () throws -> Int
    let work: BlockingWork

    func respond(_ request: Request) async throws -> Response {
        let count = self.count
        let status = Status(assetCount: try await work.run { try count() })
        if request.wantsJSON { return try JSONResponse.make(status, headers: [.cacheControl: "no-store"]) }
        let e = HTML.escape
        let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow"><title>Stockroom</title>
        <style>body{font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;max-width:640px;margin:64px auto;padding:0 24px;color:#1d1d1f}
        h1{font-size:28px;margin:0 0 4px}.meta{color:#6e6e73}code{background:#f2f1ee;padding:1px 5px;border-radius:4px}dt{font-weight:600;margin-top:10px}dd{margin:0}</style>
        </head><body>
        <h1>\(e(status.name))</h1>
        <p class="meta">Version \(e(status.version)) · \(status.assetCount) asset\(status.assetCount == 1 ? "" : "s") in the catalog</p>
        <dl>
          <dt>Client galleries</dt><dd><code>\(e(status.galleries))</code> — share links from <code>stockroom share create</code></dd>
          <dt>Admin API</dt><dd><code>\(e(status.api))</code> — needs a key from <code>stockroom apikey create NAME</code></dd>
          <dt>Health</dt><dd><code>\(e(status.health))</code></dd>
          <dt>Docs</dt><dd>\(e(status.docs))</dd>
        </dl>
        </body></html>
        """
        return HTMLResponse.make(html)
    }
}

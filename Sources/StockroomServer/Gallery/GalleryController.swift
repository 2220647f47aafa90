import Foundation
import Hummingbird
import NIOPosix
import StockroomCore

/// The client side of share links, mounted at `/s`: the gallery page (or its JSON), the password
/// form, the asset view, inline previews, downloads and "download all" as a streamed zip.
///
/// Every route first resolves the token (404 unknown or revoked, 410 expired), then the password
/// session, then looks the asset up among the link's current members only, so no id or path can
/// reach anything the link does not share.
struct GalleryController: Sendable {
    let shares: ShareService
    let blobs: any BlobStore
    let signer: ShareSessionSigner
    let limiter: PasswordAttemptLimiter
    let configuration: ServerConfiguration

    static let sessionCookie = "stockroom_share"
    static let fileCacheControl = "private, max-age=3600"

    var endpoints: RouteCollection<StockroomRequestContext> {
        let routes = RouteCollection(context: StockroomRequestContext.self)
        routes.get("{token}", use: gallery)
        routes.post("{token}/password", use: password)
        routes.get("{token}/assets/{assetId}", use: assetDetail)
        routes.get("{token}/assets/{assetId}/view/{file}", use: view)
        routes.get("{token}/assets/{assetId}/download/{file}", use: download)
        routes.get("{token}/download-all", use: downloadAll)
        return routes
    }

    // MARK: Pages

    @Sendable func gallery(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        if !request.wantsJSON, isMissingSession(request, token: token) {
            return HTMLResponse.make(GalleryPage.passwordForm(title: "Protected link", action: "/s/\(token)/password", error: nil),
                                     status: .unauthorized)
        }
        let link = try authorize(request, token: token)
        let content = try shares.content(of: link)
        try shares.recordView(of: link, client: client(request, context))
        let view = SharedContentView(content, link: link, base: "/s/\(token)")
        if request.wantsJSON { return try JSONResponse.make(view, headers: [.cacheControl: "no-store"]) }
        return HTMLResponse.make(GalleryPage.gallery(view))
    }

    @Sendable func assetDetail(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try authorize(request, token: token)
        let asset = try shares.sharedAsset(try assetId(context), of: link).asset
        let content = try shares.content(of: link)
        try shares.recordView(of: link, assetId: asset.id, client: client(request, context))
        let view = SharedContentView(content, link: link, base: "/s/\(token)")
        let assetView = SharedAssetView(asset, base: "/s/\(token)", downloadsAllowed: content.downloadsAllowed)
        if request.wantsJSON { return try JSONResponse.make(assetView, headers: [.cacheControl: "no-store"]) }
        return HTMLResponse.make(GalleryPage.detail(assetView, in: view, galleryURL: "/s/\(token)"))
    }

    // MARK: Password

    @Sendable func password(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try shares.openLink(token: token)
        guard link.passwordHash != nil else { return .redirect(to: "/s/\(token)", type: .normal) }
        let address = context.clientAddress ?? "unknown"
        if let retry = limiter.retryAfter(address: address) { throw ShareAccessError.rateLimited(retryAfterSeconds: retry) }

        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        let given = Self.password(from: String(buffer: body), contentType: request.headers[.contentType])
        let shares = self.shares
        let matches = try await NIOThreadPool.singleton.runIfActive { shares.passwordMatches(given ?? "", for: link) }
        let wantsJSON = request.wantsJSON || (request.headers[.contentType]?.contains("json") ?? false)
        guard given != nil, matches else {
            limiter.recordFailure(address: address)
            shares.recordRefusal(of: link, event: .passwordFailed, client: client(request, context))
            try await Task.sleep(for: configuration.wrongPasswordDelay)
            if wantsJSON { throw ShareAccessError.wrongPassword }
            return HTMLResponse.make(GalleryPage.passwordForm(title: "Protected link", action: "/s/\(token)/password",
                                                              error: "That password is not correct."), status: .unauthorized)
        }
        limiter.recordSuccess(address: address)
        let cookie = Cookie(name: Self.sessionCookie, value: signer.sign(link), maxAge: Int(signer.lifetime), path: "/s/\(token)",
                            secure: configuration.secureCookies, httpOnly: true, sameSite: .lax)
        var response: Response = wantsJSON ? Response(status: .noContent) : .redirect(to: "/s/\(token)", type: .normal)
        response.setCookie(cookie)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The password from a form post (`password=…`) or a JSON body (`{"password": "…"}`).
    static func password(from body: String, contentType: String?) -> String? {
        if contentType?.lowercased().contains("json") == true {
            struct Body: Decodable { var password: String }
            return try? JSONDecoder().decode(Body.self, from: Data(body.utf8)).password
        }
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "password" else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    // MARK: Files

    /// Inline renditions for the page itself (thumbnails, previews, video seeking); not a download.
    @Sendable func view(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try authorize(request, token: token)
        let asset = try shares.sharedAsset(try assetId(context), of: link).asset
        guard let type = RenditionType(rawValue: try context.parameters.require("file").uppercased()),
              let file = asset.renditionFile(type) else { throw ShareAccessError.notFound }
        if BlobResponse.isNotModified(request, blobHash: file.blobHash) {
            return BlobResponse.notModified(blobHash: file.blobHash, cacheControl: Self.fileCacheControl)
        }
        return try BlobResponse.response(for: file, request: request, blobs: blobs, disposition: .inline, cacheControl: Self.fileCacheControl)
    }

    /// The original (`download/original`) or a rendition (`download/PREVIEW`) as an attachment;
    /// counts against the link's download cap, except for a resumed range.
    @Sendable func download(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try authorize(request, token: token)
        let access = try shares.sharedAsset(try assetId(context), of: link)
        let asset = access.asset
        let name = try context.parameters.require("file")
        let file: SharedFile?
        if name.lowercased() == "original" {
            file = asset.originalFile
        } else {
            file = RenditionType(rawValue: name.uppercased()).flatMap(asset.renditionFile)
        }
        guard let file else { throw ShareAccessError.notFound }
        let who = client(request, context)
        guard access.downloadsAllowed else {
            shares.recordRefusal(of: link, event: .denied, assetId: asset.id, client: who)
            throw ShareAccessError.downloadNotAllowed("Downloads are not allowed for this link.")
        }
        if BlobResponse.isNotModified(request, blobHash: file.blobHash) {
            return BlobResponse.notModified(blobHash: file.blobHash, cacheControl: Self.fileCacheControl)
        }
        let size = try blobs.size(of: file.blobHash)
        if !BlobResponse.isContinuation(request, size: size) {
            do {
                try shares.takeDownload(of: link, downloadsAllowed: access.downloadsAllowed)
            } catch {
                shares.recordRefusal(of: link, event: .denied, assetId: asset.id, client: who)
                throw error
            }
            try shares.recordDownload(of: link, assetIds: [asset.id], file: file.label, client: who)
        }
        return try BlobResponse.response(for: file, request: request, blobs: blobs, disposition: .attachment,
                                         cacheControl: Self.fileCacheControl)
    }

    /// Every original of the link in one zip, streamed entry by entry (never held in memory).
    @Sendable func downloadAll(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try authorize(request, token: token)
        let content = try shares.content(of: link)
        let entries = content.assets.compactMap { asset in asset.originalFile.map { (asset, $0) } }
        guard !entries.isEmpty else { throw ShareAccessError.notFound }
        let who = client(request, context)
        do {
            try shares.takeDownload(of: link, downloadsAllowed: content.downloadsAllowed)
        } catch {
            shares.recordRefusal(of: link, event: .denied, client: who)
            throw error
        }
        try shares.recordDownload(of: link, assetIds: entries.map { $0.0.id }, file: "ZIP", event: .downloadAll, client: who)
        let names = ZipStreamEncoder.uniqueNames(entries.map(\.1.filename))
        let download = ZipDownload(entries: zip(entries, names).map { entry, name in
            ZipDownload.Entry(blobHash: entry.1.blobHash, name: name, modified: entry.0.version?.createdAt ?? entry.0.asset.createdAt)
        }, blobs: blobs)
        let archiveName = (Slug.make(from: content.title).isEmpty ? "shared-files" : Slug.make(from: content.title)) + ".zip"
        return Response(status: .ok, headers: [
            .contentType: "application/zip",
            .contentDisposition: BlobResponse.contentDisposition(.attachment, filename: archiveName),
            .cacheControl: "no-store",
        ], body: download.body)
    }

    // MARK: Helpers

    /// The live link for this request, with its password session checked.
    /// Whether the link is live but asks for a password this request has not given yet.
    private func isMissingSession(_ request: Request, token: String) -> Bool {
        guard let link = try? shares.openLink(token: token), link.passwordHash != nil else { return false }
        guard let cookie = request.cookies[Self.sessionCookie] else { return true }
        return !signer.verify(cookie.value, for: link)
    }

    private func authorize(_ request: Request, token: String) throws -> ShareLink {
        let link = try shares.openLink(token: token)
        if link.passwordHash != nil {
            guard let cookie = request.cookies[Self.sessionCookie], signer.verify(cookie.value, for: link) else {
                throw ShareAccessError.passwordRequired
            }
        }
        return link
    }

    private func assetId(_ context: StockroomRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("assetId"), let id = Int64(text), id > 0 else { throw ShareAccessError.notFound }
        return id
    }

    private func client(_ request: Request, _ context: StockroomRequestContext) -> ShareClient {
        ShareClient(address: context.clientAddress, userAgent: request.headers[.userAgent])
    }
}

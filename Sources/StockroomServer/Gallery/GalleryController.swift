import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import StockroomCore

/// The client side of share links, mounted at `/s`: the gallery page (or its JSON), the password
/// form, the asset view, inline renditions, downloads and "download all" as a streamed zip.
///
/// Every route first resolves the token (404 unknown or revoked, 410 expired), then the password
/// session, then looks the asset up among the link's current members only, so no id or path can
/// reach anything the link does not share. Every route that returns bytes then passes the one
/// check of `ShareService.file` and `ShareService.admit` (what the link's access level may see,
/// the download cap, counting and logging) before `BlobResponder` sends them.
struct GalleryController: Sendable {
    let edge: ShareEdge
    let files: BlobResponder
    let signer: ShareSessionSigner
    let limiter: PasswordAttemptLimiter
    let review: ClientReviewService
    let configuration: ServerConfiguration

    var shares: ShareService { edge.shares }

    static let sessionCookie = "stockroom_share"
    static let fileCacheControl = "private, max-age=3600"

    var endpoints: RouteCollection<StockroomRequestContext> {
        let routes = RouteCollection(context: StockroomRequestContext.self)
        routes.get("{token}", use: gallery)
        routes.post("{token}/password", use: password)
        routes.get("{token}/assets/{assetId}", use: assetDetail)
        routes.get("{token}/assets/{assetId}/comments", use: listComments)
        routes.post("{token}/assets/{assetId}/comments", use: postComment)
        routes.put("{token}/assets/{assetId}/review", use: putReview)
        routes.put("{token}/assets/{assetId}/selection", use: putSelection)
        routes.get("{token}/assets/{assetId}/view/{file}", use: view)
        routes.get("{token}/assets/{assetId}/download/{file}", use: download)
        routes.get("{token}/download-all", use: downloadAll)
        return routes
    }

    // MARK: Pages

    @Sendable func gallery(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let entry = try await edge.entry(token: token)
        if !hasSession(request.headers, for: entry.share.link) {
            if request.wantsJSON { throw ShareAccessError.passwordRequired }
            return HTMLResponse.make(GalleryPage.passwordForm(title: "Protected link", action: "/s/\(token)/password", error: nil),
                                     status: .unauthorized)
        }
        let filter = try Self.reviewFilter(request)
        shares.recordPageView(of: entry.share.link, client: client(request, context))
        let key = filter?.rawValue ?? "all"
        if request.wantsJSON {
            let body = try entry.page("json:\(key)") {
                ByteBuffer(bytes: JSONResponse.htmlSafeJSON(try JSONEncoder.stockroom.encode(SharedContentView(entry.share, base: "/s/\(token)", filter: filter))))
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                                   .xContentTypeOptions: "nosniff"],
                            body: .init(byteBuffer: body))
        }
        let body = entry.page("html:\(key)") {
            ByteBuffer(string: GalleryPage.gallery(SharedContentView(entry.share, base: "/s/\(token)", filter: filter), base: "/s/\(token)"))
        }
        let scripts = entry.share.link.accessLevel.allowsReview
        return Response(status: .ok, headers: scripts ? HTMLResponse.reviewHeaders : HTMLResponse.headers, body: .init(byteBuffer: body))
    }

    @Sendable func assetDetail(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let share = try await authorize(request, token: token)
        guard let asset = share.asset(try assetId(context)) else { throw ShareAccessError.notFound }
        shares.recordPageView(of: share.link, assetId: asset.id, client: client(request, context))
        let view = SharedContentView(share, base: "/s/\(token)")
        let assetView = SharedAssetView(asset, display: share.display(of: asset), base: "/s/\(token)",
                                        downloadsAllowed: share.content.downloadsAllowed, access: share.link.accessLevel, state: share.review)
        if request.wantsJSON { return try JSONResponse.make(assetView, headers: [.cacheControl: "no-store"], htmlSafe: true) }
        guard share.link.accessLevel.allowsReview else {
            return HTMLResponse.make(GalleryPage.detail(assetView, in: view, galleryURL: "/s/\(token)"))
        }
        let review = self.review
        let threads = try await edge.work.run { try review.threads(of: asset, in: share) }
        return HTMLResponse.make(GalleryPage.detail(assetView, in: view, galleryURL: "/s/\(token)", threads: threads), scripts: true)
    }

    // MARK: Password

    @Sendable func password(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let link = try await edge.entry(token: token).share.link
        guard link.passwordHash != nil else { return .redirect(to: "/s/\(token)", type: .normal) }
        // The attempt is reserved before the body is read and bcrypt runs: parallel guesses
        // cannot all slip in before the first failure is counted.
        let reservation: PasswordAttemptLimiter.Reservation
        switch limiter.reserve(address: context.clientAddress ?? "unknown", linkId: link.id!) {
        case let .refused(retryAfter): throw ShareAccessError.rateLimited(retryAfterSeconds: retryAfter)
        case let .granted(granted): reservation = granted
        }
        var request = request
        let matches: Bool
        let given: String?
        do {
            let body = try await request.collectBody(upTo: 16 * 1024)
            given = Self.password(from: String(buffer: body), contentType: request.headers[.contentType])
            let shares = self.shares
            // bcrypt is slow by design: on NIO's shared pool, away from the catalog's threads.
            matches = try await NIOThreadPool.singleton.runIfActive { given.map { shares.passwordMatches($0, for: link) } ?? false }
        } catch {
            limiter.settle(reservation, succeeded: false)
            throw error
        }
        limiter.settle(reservation, succeeded: matches)
        let wantsJSON = request.wantsJSON || (request.headers[.contentType]?.contains("json") ?? false)
        guard matches else {
            shares.recordPasswordFailure(of: link, client: client(request, context))
            try await Task.sleep(for: configuration.wrongPasswordDelay)
            if wantsJSON { throw ShareAccessError.wrongPassword }
            return HTMLResponse.make(GalleryPage.passwordForm(title: "Protected link", action: "/s/\(token)/password",
                                                              error: "That password is not correct."), status: .unauthorized)
        }
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

    /// Renditions for the page itself (thumbnails, previews, video seeking): only what the page
    /// shows, on any live link; logged, never counted as a download.
    @Sendable func view(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try await serveFile(request, context: context, use: .display)
    }

    /// The original (`download/original`) or a rendition (`download/PREVIEW`) as an attachment;
    /// counts against the link's download cap (a resumed download continues the counted one).
    @Sendable func download(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try await serveFile(request, context: context, use: .download)
    }

    private func serveFile(_ request: Request, context: StockroomRequestContext, use: SharedFileUse) async throws -> Response {
        let token = try context.parameters.require("token")
        let share = try await authorize(request, token: token)
        let who = client(request, context)
        let shares = self.shares
        let (asset, file) = try sharedFile(in: share, assetId: context.parameters.get("assetId"), name: context.parameters.get("file"),
                                           use: use, client: who)
        let plan = try await files.plan(file, request: request)
        if case .serve = plan {
            let isHead = request.method == .head
            let range = plan.servedRange
            switch use {
            case .display:
                try shares.admit(file, use: use, of: asset, in: share, range: range, isHead: isHead, client: who)
            case .download:
                // Takes from the cap with one SQL statement: on the blocking pool.
                try await files.work.run { try shares.admit(file, use: use, of: asset, in: share, range: range, isHead: isHead, client: who) }
            }
        }
        return try await files.response(for: file, plan: plan, request: request, disposition: use == .display ? .inline : .attachment,
                                        cacheControl: Self.fileCacheControl, drain: ConnectionDrain(channel: context.channel))
    }

    /// The asset and file a file route names, if the link lets that route have it (`ShareService.file`).
    func sharedFile(in share: ResolvedShare, assetId: String?, name: String?, use: SharedFileUse, client: ShareClient,
                    now: Date = Date()) throws(ShareAccessError) -> (SharedAsset, SharedFile) {
        guard let id = Self.assetId(assetId), let asset = share.asset(id, now: now), let name = name.flatMap(SharedFileName.init)
        else { throw .notFound }
        return (asset, try shares.file(name, use: use, of: asset, in: share, client: client, now: now))
    }

    /// `view` answered from memory, for `ShareRenditionFastPath`: the same checks in the same
    /// order, the same log row and the same headers, or `nil` when anything would need the
    /// catalog, the disk or an error response (the request then takes the route above). Only a
    /// whole file or a 304: a Range or a conditional header other than If-None-Match goes on.
    func viewFromMemory(_ request: ViewRequest, client: ShareClient, now: Date = Date()) -> FileFromMemory? {
        guard let assetId = Self.assetId(request.assetId), let type = Self.renditionType(request.file),
              let entry = edge.cachedEntry(token: request.token, now: now)
        else { return nil }
        let share = entry.share
        guard hasSession(cookies: request.cookies, for: share.link),
              let prepared = entry.rendition(assetId: assetId, type: type, make: { prepare(assetId: assetId, file: request.file, in: share, now: now) }),
              SharedAsset.isShareable(prepared.asset.asset, at: now)
        else { return nil }
        if prepared.isNotModified(ifNoneMatch: request.ifNoneMatch) {
            return FileFromMemory(status: .notModified, prepared: prepared, body: nil)
        }
        guard let bytes = files.cachedSmallBlob(prepared.file.blobHash, size: prepared.size),
              (try? shares.admit(prepared.file, use: .display, of: prepared.asset, in: share, range: nil, isHead: request.isHead,
                                 client: client, now: now)) != nil
        else { return nil }
        return FileFromMemory(status: .ok, prepared: prepared, body: request.isHead ? nil : bytes)
    }

    /// The `view` answer of one member's rendition, for the link's cache entry: the route's
    /// membership and display checks (`sharedFile`), once; `nil` (not kept) for anything the
    /// route would refuse or has to read the catalog or the store for.
    private func prepare(assetId: Int64, file: String, in share: ResolvedShare, now: Date) -> PreparedRendition? {
        guard let (asset, file) = try? sharedFile(in: share, assetId: String(assetId), name: file, use: .display,
                                                  client: ShareClient(address: nil, userAgent: nil), now: now),
              let size = file.byteSize, size > 0
        else { return nil }
        return PreparedRendition(asset: asset, file: file, size: size, cacheControl: Self.fileCacheControl)
    }

    /// A rendition type as the route's `{file}` names it (any case); `nil` for `original` and anything else.
    static func renditionType(_ text: String) -> RenditionType? {
        if let exact = RenditionType(rawValue: text) { return exact }
        guard case let .rendition(type) = SharedFileName(text) else { return nil }
        return type
    }

    /// Every original of the link in one zip, streamed entry by entry (never held in memory).
    @Sendable func downloadAll(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let share = try await authorize(request, token: token)
        let assets = share.visibleAssets().filter { $0.originalFile != nil }
        guard !assets.isEmpty else { throw ShareAccessError.notFound }
        let who = client(request, context)
        let shares = self.shares
        let archiveName = (Slug.make(from: share.content.title).isEmpty ? "shared-files" : Slug.make(from: share.content.title)) + ".zip"
        let headers: HTTPFields = [
            .contentType: "application/zip",
            .contentDisposition: BlobResponder.contentDisposition(.attachment, filename: archiveName),
            .cacheControl: "no-store",
        ]
        if request.method == .head {
            guard share.content.downloadsAllowed,
                  try await files.work.run({ shares.hasDownloadsLeft(share.link) })
            else { throw ShareAccessError.downloadNotAllowed("Downloads are not allowed for this link.") }
            return Response(status: .ok, headers: headers)
        }
        try await files.work.run { try shares.admitArchive(of: assets, in: share, client: who) }
        let originals = assets.map { ($0, $0.originalFile!) }
        let names = ZipStreamEncoder.uniqueNames(originals.map(\.1.filename))
        let download = ZipDownload(entries: zip(originals, names).map { entry, name in
            ZipDownload.Entry(blobHash: entry.1.blobHash, byteSize: entry.1.byteSize, name: name,
                              modified: entry.0.version?.createdAt ?? entry.0.asset.createdAt)
        }, responder: files, drain: ConnectionDrain(channel: context.channel))
        return Response(status: .ok, headers: headers, body: download.body)
    }

    // MARK: Helpers

    /// `?review=approved|rejected|open` on the gallery; anything else there is a 400.
    static func reviewFilter(_ request: Request) throws(DomainError) -> ReviewDecision? {
        guard let text = request.uri.queryParameters["review"].map(String.init), !text.isEmpty, text.lowercased() != "all" else { return nil }
        guard let decision = ReviewDecision(input: text) else {
            throw .invalidArgument("review must be one of all, approved, rejected, open")
        }
        return decision
    }

    /// Whether the request may see the link: it has no password, or the request carries a valid session.
    private func hasSession(_ headers: HTTPFields, for link: ShareLink) -> Bool {
        hasSession(cookies: link.passwordHash == nil ? [] : headers[values: .cookie], for: link)
    }

    private func hasSession(cookies: [String], for link: ShareLink) -> Bool {
        guard link.passwordHash != nil else { return true }
        guard let cookie = Cookies(from: cookies)[Self.sessionCookie] else { return false }
        return signer.verify(cookie.value, for: link)
    }

    /// The live link for this request, with its password session checked.
    func authorize(_ request: Request, token: String) async throws -> ResolvedShare {
        let share = try await edge.entry(token: token).share
        guard hasSession(request.headers, for: share.link) else { throw ShareAccessError.passwordRequired }
        return share
    }

    func assetId(_ context: StockroomRequestContext) throws -> Int64 {
        guard let id = Self.assetId(context.parameters.get("assetId")) else { throw ShareAccessError.notFound }
        return id
    }

    static func assetId(_ text: String?) -> Int64? {
        guard let text, let id = Int64(text), id > 0 else { return nil }
        return id
    }

    func client(_ request: Request, _ context: StockroomRequestContext) -> ShareClient {
        ShareClient(address: context.clientAddress, userAgent: request.headers[.userAgent])
    }
}

/// A file response made from memory by `GalleryController.viewFromMemory`: no body for HEAD and 304.
struct FileFromMemory {
    var status: HTTPResponse.Status
    var prepared: PreparedRendition
    var body: ByteBuffer?

    /// The status line and headers, encoded, without `Date` and `Server`.
    var head: ByteBuffer { status == .ok ? prepared.okHead : prepared.notModifiedHead }
}

/// A `view` request as the fast path reads it: the route's three path segments as sent, and the
/// only headers the answer depends on.
struct ViewRequest {
    var token: String
    var assetId: String
    var file: String
    var isHead: Bool
    var ifNoneMatch: String?
    /// The `Cookie` header lines (the password session).
    var cookies: [String]
    var userAgent: String?
}

/// `/s/{token}/assets/{assetId}/view/{file}` exactly as the router matches it, for the fast path;
/// anything else (a query, percent-escapes, empty or extra segments) is `nil` and left to the router.
struct ViewRoute {
    var token: String
    var assetId: String
    var file: String

    init?(path: String?) {
        guard let path, path.hasPrefix("/s/"), !path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") })
        else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[3] == "assets", parts[5] == "view", !parts[2].isEmpty, !parts[4].isEmpty, !parts[6].isEmpty
        else { return nil }
        (token, assetId, file) = (String(parts[2]), String(parts[4]), String(parts[6]))
    }
}

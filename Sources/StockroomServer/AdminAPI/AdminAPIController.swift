import Foundation
import Hummingbird
import NIOPosix
import StockroomCore

/// The staff API under `/api/v1` (every route behind `APIKeyAuthenticator`). `Docs/openapi.yaml`
/// documents each route; a test keeps the two in step, and schemathesis checks the responses
/// against it. Catalog work runs on the blocking pool (`blocking`), never on the cooperative pool.
struct AdminAPIController: Sendable {
    let home: DataHome
    let libraries: LibraryService
    let collections: CollectionService
    let shares: ShareService
    let apiKeys: APIKeyService
    let files: BlobResponder
    let work: BlockingWork
    let configuration: ServerConfiguration

    /// Largest page of `GET /assets`.
    static let maxLimit = 500

    var assets: any AssetCatalogRepository { home.catalog }
    var comments: CommentService { CommentService(comments: home.catalog, assets: home.catalog) }
    func activity() throws(DomainError) -> ActivityService {
        ActivityService(activity: home.catalog, collections: home.catalog, libraries: home.catalog,
                        shares: shares)
    }

    var endpoints: RouteCollection<StockroomRequestContext> {
        let routes = RouteCollection(context: StockroomRequestContext.self)
        routes.add(middleware: APIKeyAuthenticator(keys: apiKeys, work: work))
        routes.add(middleware: RequireAPIKey())
        routes.get("libraries", use: listLibraries)
        routes.get("libraries/{slug}/folders", use: folderTree)
        routes.get("assets", use: listAssets)
        routes.get("assets/{id}", use: getAsset)
        routes.patch("assets/{id}", use: patchAsset)
        routes.get("assets/{id}/original", use: original)
        routes.get("assets/{id}/renditions", use: listRenditions)
        routes.get("assets/{id}/renditions/{type}", use: rendition)
        routes.get("assets/{id}/comments", use: listComments)
        routes.post("assets/{id}/comments", use: addComment)
        routes.post("comments/{id}/resolve", use: resolveComment)
        routes.get("collections", use: listCollections)
        routes.post("collections", use: createCollection)
        routes.get("collections/{slug}", use: getCollection)
        routes.delete("collections/{slug}", use: deleteCollection)
        routes.post("collections/{slug}/items", use: addItems)
        routes.delete("collections/{slug}/items/{assetId}", use: removeItem)
        routes.get("shares", use: listShares)
        routes.post("shares", use: createShare)
        routes.get("shares/{token}", use: getShare)
        routes.delete("shares/{token}", use: revokeShare)
        routes.get("shares/{token}/log", use: shareLog)
        routes.get("activity", use: listActivity)
        return routes
    }

    /// The JSON body as `T`; a body that does not decode throws the `DecodingError` itself, which
    /// the error middleware turns into a 400 naming the field.
    static func body<T: Decodable>(_ type: T.Type, of request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        return try JSONDecoder.stockroom.decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// Runs catalog work on the blocking pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await work.run(body)
    }

    // MARK: Libraries

    @Sendable func listLibraries(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let libraries = self.libraries
        return try JSONResponse.make(try await blocking { try libraries.allLibraries() })
    }

    @Sendable func folderTree(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let libraries = self.libraries, slug = try context.parameters.require("slug")
        return try JSONResponse.make(try await blocking { try libraries.folderTree(librarySlug: slug) })
    }

    // MARK: Assets

    /// `q` is the search language (Docs/query.md); `library`, `folder`, `status`, `type` and `tag`
    /// narrow it further. Paged by `limit` (1–500, default 100) and `offset` (≥ 0), in id order.
    @Sendable func listAssets(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var terms: [QueryExpression] = []
        var text = ""
        if let q = parameters["q"].map(String.init), !q.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                let parsed = try AssetQuery.parse(q)
                if let expression = parsed.expression { terms.append(expression) }
                text = q
            } catch {
                throw DomainError.invalidArgument("q: \(error.description)")
            }
        }
        if let slug = parameters["library"].map(String.init) {
            terms.append(.term(.library(slug: slug)))
            if let path = parameters["folder"].map(String.init) {
                terms.append(.term(.folder(path: try FolderPath(parsing: path).description, subtree: false)))
            }
        } else if parameters["folder"] != nil {
            throw DomainError.invalidArgument("folder needs library: a folder path is looked up within one library")
        }
        if let status = parameters["status"].map(String.init) {
            guard let value = AssetStatus(rawValue: status.uppercased()) else {
                throw DomainError.invalidArgument("status must be one of \(AssetStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            terms.append(.term(.status(value)))
        }
        if let type = parameters["type"].map(String.init) {
            guard let value = AssetType(rawValue: type.uppercased()) else {
                throw DomainError.invalidArgument("type must be one of \(AssetType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            terms.append(.term(.type([value])))
        }
        if let tag = parameters["tag"].map(String.init) { terms.append(.term(.tag(Tag.normalize(tag)))) }
        let limit = try Self.integer(parameters["limit"].map(String.init), name: "limit", default: 100, range: 1...Self.maxLimit)
        let offset = try Self.integer(parameters["offset"].map(String.init), name: "offset", default: 0, range: 0...1_000_000)
        let query = AssetQuery(text: text, expression: terms.isEmpty ? nil : terms.count == 1 ? terms[0] : .and(terms))
        let catalog = home.catalog
        struct Page: Encodable, Sendable { var items: [AssetResource]; var limit: Int; var offset: Int; var total: Int }
        let page = try await blocking { () throws -> Page in
            let found = try catalog.searchAssets(query, sort: .byId, limit: offset + limit, now: Date(), organizationId: Organization.defaultId)
            let ids = found.assets.dropFirst(offset).map(\.id)
            let byId = Dictionary(try catalog.assets(ids: Array(ids)).map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
            let tags = try catalog.tagNames(assetIds: Array(ids))
            let items = ids.compactMap { id in byId[id].map { AssetResource(asset: $0, tags: tags[id] ?? []) } }
            return Page(items: items, limit: limit, offset: offset, total: found.total)
        }
        return try JSONResponse.make(page)
    }

    /// A whole number from the query string within `range`, or a 400 naming the parameter.
    static func integer(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws(DomainError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .invalidArgument("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    @Sendable func getAsset(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        return try JSONResponse.make(try await blocking { try resource(try existingAsset(id)) })
    }

    /// `metadata` is deep-merged into the asset's metadata and must be an object; status APPROVED
    /// records who approved and when (REJECTED clears both).
    @Sendable func patchAsset(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let patch = try await Self.body(AssetPatch.self, of: request)
        guard !patch.isEmpty else { throw DomainError.invalidArgument("the patch changes nothing") }
        if let metadata = patch.metadata, case .object = metadata {} else if patch.metadata != nil {
            throw DomainError.invalidArgument("metadata must be a JSON object: its keys are merged into the asset's metadata")
        }
        if let details = patch.licenseDetails, case .object = details {} else if patch.licenseDetails != nil {
            throw DomainError.invalidArgument("licenseDetails must be a JSON object")
        }
        let catalog = home.catalog, actor = context.actor
        let updated = try await blocking { () throws -> AssetResource in
            _ = try existingAsset(id)
            return try resource(try catalog.updateAsset(id: id, applying: patch, as: actor))
        }
        return try JSONResponse.make(updated)
    }

    @Sendable func original(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let catalog = home.catalog
        let file = try await blocking { () throws -> SharedFile in
            let asset = try existingAsset(id)
            guard let version = try catalog.currentVersion(assetId: asset.id!) else { throw DomainError.notFound("asset \(id) has no file yet") }
            return SharedFile(blobHash: version.blobHash, filename: version.originalFilename, mimeType: version.mimeType,
                              byteSize: version.byteSize, label: "ORIGINAL")
        }
        return try await fileResponse(file, request: request, context: context)
    }

    @Sendable func listRenditions(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let catalog = home.catalog
        return try JSONResponse.make(try await blocking { try catalog.renditions(assetId: try existingAsset(id).id!) })
    }

    @Sendable func rendition(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let name = try context.parameters.require("type")
        guard let type = RenditionType(rawValue: name.uppercased()) else { throw DomainError.notFound("unknown rendition type \(name)") }
        let catalog = home.catalog
        let file = try await blocking { () throws -> SharedFile in
            let asset = try existingAsset(id)
            let rows = try catalog.renditions(assetId: id)
            let shared = SharedAsset(asset: asset, version: try catalog.currentVersion(assetId: id),
                                     renditions: rows.filter { $0.status == .completed }, note: nil)
            guard let file = shared.renditionFile(type) else {
                if rows.contains(where: { $0.renditionType == type && $0.status == .pending }) {
                    throw DomainError.notFound("asset \(id)'s \(type.rawValue) rendition is still being made (PENDING)")
                }
                throw DomainError.notFound("asset \(id) has no completed \(type.rawValue) rendition")
            }
            return file
        }
        return try await fileResponse(file, request: request, context: context)
    }

    // MARK: Comments

    @Sendable func listComments(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let comments = self.comments
        return try JSONResponse.make(try await blocking { try comments.threads(assetId: id) })
    }

    /// Validated as a client's comment is (`CommentRules`): text, and an annotation that fits the asset.
    @Sendable func addComment(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let id = try assetId(context)
        let body = try await Self.body(CreateCommentBody.self, of: request)
        let comments = self.comments, actor = context.actor
        let comment = try await blocking {
            try comments.add(assetId: id, content: body.content, parentId: body.parentId, annotation: body.annotation,
                             authorId: body.authorId, by: actor)
        }
        return try JSONResponse.make(comment, status: .created)
    }

    @Sendable func resolveComment(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        guard let id = Int64(try context.parameters.require("id")), id > 0 else { throw DomainError.notFound("no such comment") }
        let comments = self.comments, actor = context.actor
        return try JSONResponse.make(try await blocking { try comments.resolve(id, by: actor) })
    }

    // MARK: Activity

    /// `since` (`7d`, `2026-01-31`, an instant), `actor`, `entity` (`asset:12`, `collection:SLUG`,
    /// `share:TOKEN`, `library:SLUG`), `limit` 1–1000 (default 100), `offset`; newest first.
    @Sendable func listActivity(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let limit = try Self.integer(parameters["limit"].map(String.init), name: "limit", default: 100, range: 1...ActivityService.maxLimit)
        let offset = try Self.integer(parameters["offset"].map(String.init), name: "offset", default: 0, range: 0...10_000_000)
        let since = parameters["since"].map(String.init), actor = parameters["actor"].map(String.init)
        let entity = parameters["entity"].map(String.init)
        let activity = try self.activity()
        return try JSONResponse.make(try await blocking {
            try activity.entries(since: since, actor: actor, entity: entity, limit: limit, offset: offset)
        })
    }

    // MARK: Collections

    @Sendable func listCollections(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let collections = self.collections
        return try JSONResponse.make(try await blocking { try collections.allCollections() })
    }

    @Sendable func createCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await Self.body(CreateCollectionBody.self, of: request)
        let collections = self.collections, actor = context.actor
        let created = try await blocking {
            try collections.createCollection(name: body.name, slug: body.slug, type: body.type, description: body.description,
                                             smartQuery: body.smartQuery, smartRules: body.smartRules,
                                             allowDownload: body.allowDownload ?? true, by: actor)
        }
        return try JSONResponse.make(created, status: .created)
    }

    @Sendable func getCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let collections = self.collections, slug = try context.parameters.require("slug")
        return try JSONResponse.make(try await blocking { try collections.details(slug: slug) })
    }

    @Sendable func deleteCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let collections = self.collections, slug = try context.parameters.require("slug"), actor = context.actor
        try await blocking { try collections.deleteCollection(slug: slug, by: actor) }
        return Response(status: .noContent)
    }

    @Sendable func addItems(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await Self.body(AddItemsBody.self, of: request)
        guard !body.assetIds.isEmpty, body.assetIds.count <= 10_000 else { throw DomainError.invalidArgument("assetIds lists 1 to 10000 asset ids") }
        let collections = self.collections, actor = context.actor, slug = try context.parameters.require("slug")
        let items = try await blocking { try collections.addAssets(body.assetIds, to: slug, note: body.note, by: actor) }
        return try JSONResponse.make(items, status: .created)
    }

    @Sendable func removeItem(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard let assetId = Int64(try context.parameters.require("assetId")) else { throw DomainError.notFound("that asset is not in \(slug)") }
        let collections = self.collections, actor = context.actor
        let removed = try await blocking { try collections.removeAssets([assetId], from: slug, by: actor) }
        guard removed == 1 else { throw DomainError.notFound("that asset is not in \(slug)") }
        return Response(status: .noContent)
    }

    // MARK: Shares

    @Sendable func listShares(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let shares = self.shares
        let all = try await blocking { try shares.allShares() }
        return try JSONResponse.make(all.map { ShareResource(share: $0, url: shareURL($0.token, request)) })
    }

    @Sendable func createShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await Self.body(CreateShareBody.self, of: request)
        let target: ShareRequest.Target
        switch (body.collection, body.assetId) {
        case let (slug?, nil): target = .collection(slug: slug)
        case let (nil, id?): target = .asset(id: id)
        default: throw DomainError.invalidArgument("give exactly one of collection and assetId")
        }
        let shareRequest = ShareRequest(target: target, expiresAt: try body.expires.map { text throws(DomainError) in try ShareExpiry.parse(text) },
                                        password: body.password, allowDownload: body.allowDownload ?? true,
                                        maxDownloads: body.maxDownloads, recipientEmail: body.recipientEmail,
                                        accessLevel: body.accessLevel ?? .download, includePending: body.includePending ?? false)
        // bcrypt takes a noticeable moment: on the blocking pool like every catalog write.
        let shares = self.shares, actor = context.actor
        let summary = try await blocking { () throws -> ShareLinkSummary in
            let link = try shares.createShare(shareRequest, by: actor)
            return try shares.summary(token: link.token)
        }
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(summary.token, request)), status: .created)
    }

    @Sendable func getShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let shares = self.shares, token = try context.parameters.require("token")
        let summary = try await blocking { try shares.summary(token: token) }
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(summary.token, request)))
    }

    @Sendable func revokeShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let shares = self.shares, token = try context.parameters.require("token"), actor = context.actor
        let summary = try await blocking { () throws -> ShareLinkSummary in
            let link = try shares.revoke(token: token, by: actor)
            return try shares.summary(token: link.token)
        }
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(summary.token, request)))
    }

    @Sendable func shareLog(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let shares = self.shares, token = try context.parameters.require("token")
        return try JSONResponse.make(try await blocking { try shares.accessLog(token: token) })
    }

    // MARK: Helpers

    private func assetId(_ context: StockroomRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw DomainError.notFound("no asset with id \(text)") }
        return id
    }

    private func existingAsset(_ id: Int64) throws(DomainError) -> Asset {
        guard let asset = try assets.asset(id: id) else { throw .notFound("no asset with id \(id)") }
        return asset
    }

    private func resource(_ asset: Asset) throws(DomainError) -> AssetResource {
        AssetResource(asset: asset, tags: try assets.tagNames(assetIds: [asset.id!])[asset.id!] ?? [],
                      currentVersion: try assets.currentVersion(assetId: asset.id!), renditions: try assets.renditions(assetId: asset.id!))
    }

    private func fileResponse(_ file: SharedFile, request: Request, context: StockroomRequestContext) async throws -> Response {
        let plan = try await files.plan(file, request: request)
        return try await files.response(for: file, plan: plan, request: request, disposition: .attachment, cacheControl: "private, max-age=3600",
                                        drain: ConnectionDrain(channel: context.channel))
    }

    private func shareURL(_ token: String, _ request: Request) -> String {
        let base = configuration.publicBaseURL ?? request.head.authority.map { "http://\($0)" } ?? ""
        return "\(base)/s/\(token)"
    }
}

import Foundation
import Hummingbird
import NIOPosix
import StockroomCore

/// The staff API under `/api/v1` (every route behind `APIKeyMiddleware`). `Docs/openapi.yaml`
/// documents each route; a test keeps the two in step.
struct AdminAPIController: Sendable {
    let home: DataHome
    let libraries: LibraryService
    let collections: CollectionService
    let shares: ShareService
    let apiKeys: APIKeyService
    let configuration: ServerConfiguration

    var assets: any AssetCatalogRepository { home.catalog }
    var comments: any CommentRepository { home.catalog }

    var endpoints: RouteCollection<StockroomRequestContext> {
        let routes = RouteCollection(context: StockroomRequestContext.self)
        routes.add(middleware: APIKeyMiddleware(keys: apiKeys))
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
        return routes
    }

    // MARK: Libraries

    @Sendable func listLibraries(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try libraries.allLibraries())
    }

    @Sendable func folderTree(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try libraries.folderTree(librarySlug: try context.parameters.require("slug")))
    }

    // MARK: Assets

    @Sendable func listAssets(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = AssetFilter()
        if let slug = query["library"].map(String.init) {
            let library = try libraries.library(slug: slug)
            filter.libraryId = library.id
            if let path = query["folder"].map(String.init) {
                guard let folder = try home.catalog.folder(libraryId: library.id!, path: try FolderPath(parsing: path)) else {
                    throw DomainError.notFound("no folder \(path) in \(slug)")
                }
                filter.folderId = folder.id
            }
        }
        if let status = query["status"].map(String.init) {
            guard let value = AssetStatus(rawValue: status.uppercased()) else { throw DomainError.invalidArgument("unknown status \(status)") }
            filter.status = value
        }
        if let type = query["type"].map(String.init) {
            guard let value = AssetType(rawValue: type.uppercased()) else { throw DomainError.invalidArgument("unknown asset type \(type)") }
            filter.assetType = value
        }
        filter.tag = query["tag"].map(String.init)
        filter.text = query["q"].map(String.init)
        if let limit = query["limit"] { filter.limit = Int(limit) ?? filter.limit }
        if let offset = query["offset"] { filter.offset = Int(offset) ?? 0 }
        let found = try assets.assets(matching: filter)
        let tags = try assets.tagNames(assetIds: found.compactMap(\.id))
        struct Page: Encodable { var items: [AssetResource]; var limit: Int; var offset: Int }
        return try JSONResponse.make(Page(items: found.map { AssetResource(asset: $0, tags: tags[$0.id!] ?? []) },
                                          limit: filter.limit, offset: filter.offset))
    }

    @Sendable func getAsset(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try resource(try existingAsset(context)))
    }

    @Sendable func patchAsset(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let asset = try existingAsset(context)
        let patch = try await request.decode(as: AssetPatch.self, context: context)
        guard !patch.isEmpty else { throw DomainError.invalidArgument("the patch changes nothing") }
        let updated = try assets.updateAsset(id: asset.id!, applying: patch, by: context.actor.name)
        return try JSONResponse.make(try resource(updated))
    }

    @Sendable func original(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let asset = try existingAsset(context)
        guard let version = try assets.currentVersion(assetId: asset.id!) else { throw DomainError.notFound("asset \(asset.id!) has no file yet") }
        let file = SharedFile(blobHash: version.blobHash, filename: version.originalFilename, mimeType: version.mimeType,
                              byteSize: version.byteSize, label: "ORIGINAL")
        return try fileResponse(file, request: request)
    }

    @Sendable func listRenditions(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try assets.renditions(assetId: try existingAsset(context).id!))
    }

    @Sendable func rendition(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let asset = try existingAsset(context)
        let name = try context.parameters.require("type")
        guard let type = RenditionType(rawValue: name.uppercased()) else { throw DomainError.notFound("unknown rendition type \(name)") }
        let shared = SharedAsset(asset: asset, version: try assets.currentVersion(assetId: asset.id!),
                                 renditions: try assets.renditions(assetId: asset.id!).filter { $0.status == .completed }, note: nil)
        guard let file = shared.renditionFile(type) else { throw DomainError.notFound("asset \(asset.id!) has no completed \(type.rawValue) rendition") }
        return try fileResponse(file, request: request)
    }

    // MARK: Comments

    @Sendable func listComments(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(CommentThread.build(from: try comments.comments(assetId: try existingAsset(context).id!)))
    }

    @Sendable func addComment(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let asset = try existingAsset(context)
        let body = try await request.decode(as: CreateCommentBody.self, context: context)
        let content = body.content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !content.isEmpty else { throw DomainError.invalidArgument("a comment needs content") }
        try Self.validate(body.annotation)
        let comment = try comments.addComment(Comment(assetId: asset.id!, parentId: body.parentId, content: content,
                                                      authorId: body.authorId ?? context.actor.name,
                                                      authorType: context.actor.kind.rawValue, annotation: body.annotation))
        return try JSONResponse.make(comment, status: .created)
    }

    @Sendable func resolveComment(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        guard let id = Int64(try context.parameters.require("id")) else { throw DomainError.notFound("no such comment") }
        return try JSONResponse.make(try comments.resolveComment(id: id, by: context.actor.name, at: Date()))
    }

    /// Coordinates are fractions of the picture (0…1); a timestamp is seconds from the start.
    static func validate(_ annotation: Annotation?) throws(DomainError) {
        guard let annotation else { return }
        let unit = 0.0...1.0
        switch annotation {
        case let .point(x, y):
            guard unit.contains(x), unit.contains(y) else { throw .invalidArgument("point coordinates are fractions between 0 and 1") }
        case let .rect(x, y, w, h):
            guard unit.contains(x), unit.contains(y), w > 0, h > 0, x + w <= 1.000001, y + h <= 1.000001 else {
                throw .invalidArgument("a rect lies within the picture: x, y, width, height are fractions and x+width, y+height ≤ 1")
            }
        case let .timestamp(time):
            guard time >= 0 else { throw .invalidArgument("a timestamp is seconds from the start, not negative") }
        }
    }

    // MARK: Collections

    @Sendable func listCollections(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try collections.allCollections())
    }

    @Sendable func createCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await request.decode(as: CreateCollectionBody.self, context: context)
        let created = try collections.createCollection(name: body.name, slug: body.slug, type: body.type, description: body.description,
                                                       smartQuery: body.smartQuery, smartRules: body.smartRules,
                                                       allowDownload: body.allowDownload ?? true, by: context.actor)
        return try JSONResponse.make(created, status: .created)
    }

    @Sendable func getCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try collections.details(slug: try context.parameters.require("slug")))
    }

    @Sendable func deleteCollection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try collections.deleteCollection(slug: try context.parameters.require("slug"))
        return Response(status: .noContent)
    }

    @Sendable func addItems(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await request.decode(as: AddItemsBody.self, context: context)
        let items = try collections.addAssets(body.assetIds, to: try context.parameters.require("slug"), note: body.note, by: context.actor)
        return try JSONResponse.make(items, status: .created)
    }

    @Sendable func removeItem(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard let assetId = Int64(try context.parameters.require("assetId")),
              try collections.removeAssets([assetId], from: slug) == 1
        else { throw DomainError.notFound("that asset is not in \(slug)") }
        return Response(status: .noContent)
    }

    // MARK: Shares

    @Sendable func listShares(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try shares.allShares().map { ShareResource(share: $0, url: shareURL($0.token, request)) })
    }

    @Sendable func createShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let body = try await request.decode(as: CreateShareBody.self, context: context)
        let target: ShareRequest.Target
        switch (body.collection, body.assetId) {
        case let (slug?, nil): target = .collection(slug: slug)
        case let (nil, id?): target = .asset(id: id)
        default: throw DomainError.invalidArgument("give exactly one of collection and assetId")
        }
        let shareRequest = ShareRequest(target: target, expiresAt: try body.expires.map { text throws(DomainError) in try ShareExpiry.parse(text) },
                                        password: body.password, allowDownload: body.allowDownload ?? true,
                                        maxDownloads: body.maxDownloads, recipientEmail: body.recipientEmail,
                                        accessLevel: body.accessLevel ?? .download)
        // bcrypt takes a noticeable moment: keep it off the event loop.
        let shares = self.shares, actor = context.actor
        let link = try await NIOThreadPool.singleton.runIfActive { try shares.createShare(shareRequest, by: actor) }
        let summary = try shares.summary(token: link.token)
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(link.token, request)), status: .created)
    }

    @Sendable func getShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let summary = try shares.summary(token: try context.parameters.require("token"))
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(summary.token, request)))
    }

    @Sendable func revokeShare(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let link = try shares.revoke(token: try context.parameters.require("token"), by: context.actor)
        let summary = try shares.summary(token: link.token)
        return try JSONResponse.make(ShareResource(share: summary, url: shareURL(summary.token, request)))
    }

    @Sendable func shareLog(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        try JSONResponse.make(try shares.accessLog(token: try context.parameters.require("token")))
    }

    // MARK: Helpers

    private func existingAsset(_ context: StockroomRequestContext) throws -> Asset {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), let asset = try assets.asset(id: id) else { throw DomainError.notFound("no asset with id \(text)") }
        return asset
    }

    private func resource(_ asset: Asset) throws(DomainError) -> AssetResource {
        AssetResource(asset: asset, tags: try assets.tagNames(assetIds: [asset.id!])[asset.id!] ?? [],
                      currentVersion: try assets.currentVersion(assetId: asset.id!), renditions: try assets.renditions(assetId: asset.id!))
    }

    private func fileResponse(_ file: SharedFile, request: Request) throws -> Response {
        if BlobResponse.isNotModified(request, blobHash: file.blobHash) {
            return BlobResponse.notModified(blobHash: file.blobHash, cacheControl: "private, max-age=3600")
        }
        return try BlobResponse.response(for: file, request: request, blobs: home.blobs, disposition: .attachment,
                                         cacheControl: "private, max-age=3600")
    }

    private func shareURL(_ token: String, _ request: Request) -> String {
        let base = configuration.publicBaseURL ?? request.head.authority.map { "http://\($0)" } ?? ""
        return "\(base)/s/\(token)"
    }
}

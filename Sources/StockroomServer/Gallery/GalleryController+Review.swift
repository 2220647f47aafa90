import Foundation
import Hummingbird
import NIOCore
import StockroomCore

/// The client review routes of COMMENT and EDIT links: comments (`GET`/`POST …/comments`), the
/// decision per asset (`PUT …/review`) and, on EDIT links, the selection (`PUT …/selection`).
///
/// Each resolves the token and the password session like every gallery route, then refuses VIEW
/// and DOWNLOAD links with 403 whatever the request holds, then finds the asset among the link's
/// members (404 otherwise). Writes need `Content-Type: application/json` (a form posted from
/// another site cannot send that without a CORS preflight, which this server never grants) and a
/// body of at most 16 KB; catalog work runs on the blocking pool.
extension GalleryController {
    static let reviewBodyLimit = 16 * 1024

    @Sendable func listComments(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let (share, asset) = try await reviewTarget(request, context)
        let review = self.review
        let threads = try await edge.work.run { try review.threads(of: asset, in: share) }
        return try JSONResponse.make(threads.map(ClientCommentView.init), headers: [.cacheControl: "no-store"], htmlSafe: true)
    }

    @Sendable func postComment(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let (share, asset) = try await reviewTarget(request, context)
        let body = try await Self.jsonBody(ClientCommentBody.self, of: request)
        let review = self.review, who = client(request, context)
        let comment = try await edge.work.run {
            try review.postComment(content: body.content, authorName: body.authorName, annotation: body.annotation, parentId: body.parentId,
                                   on: asset, in: share, client: who)
        }
        return try JSONResponse.make(ClientCommentView(comment), status: .created, headers: [.cacheControl: "no-store"], htmlSafe: true)
    }

    @Sendable func putReview(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let (share, asset) = try await reviewTarget(request, context)
        let body = try await Self.jsonBody(ClientReviewBody.self, of: request)
        guard let decision = ReviewDecision(input: body.decision) else {
            throw DomainError.invalidArgument("decision must be one of approved, rejected, open (or approve, reject, clear)")
        }
        let review = self.review, who = client(request, context)
        let recorded = try await edge.work.run {
            try review.decide(decision, note: body.note, authorName: body.authorName, on: asset, in: share, client: who)
        }
        // The counts after the change: the link as the catalog holds it now.
        let fresh = try await edge.entry(token: share.link.token).share
        let summary = ReviewSummary(assetIds: fresh.visibleAssets().map(\.id), reviews: fresh.review.reviews)
        let state = ReviewStateView(recorded.decision == .open ? nil : recorded, assetId: asset.id)
        return try JSONResponse.make(ClientReviewAnswer(review: state, summary: summary), headers: [.cacheControl: "no-store"], htmlSafe: true)
    }

    @Sendable func putSelection(_ request: Request, context: StockroomRequestContext) async throws -> Response {
        let (share, asset) = try await reviewTarget(request, context, selection: true)
        let body = try await Self.jsonBody(ClientSelectionBody.self, of: request)
        let review = self.review, who = client(request, context)
        let selection = try await edge.work.run {
            try review.select(body.selected, authorName: body.authorName, on: asset, in: share, client: who)
        }
        let visible = Set(share.visibleAssets().map(\.id))
        return try JSONResponse.make(ClientSelectionAnswer(assetId: asset.id, selected: selection.assetIds.contains(asset.id),
                                                           selectedCount: selection.assetIds.filter(visible.contains).count),
                                     headers: [.cacheControl: "no-store"], htmlSafe: true)
    }

    /// The live link (password session checked), refused with 403 unless it is open for review
    /// (and, for `selection`, for picking), and the asset it reaches.
    func reviewTarget(_ request: Request, _ context: StockroomRequestContext, selection: Bool = false) async throws -> (ResolvedShare, SharedAsset) {
        let token = try context.parameters.require("token")
        let share = try await authorize(request, token: token)
        let level = share.link.accessLevel
        guard selection ? level.allowsSelection : level.allowsReview else {
            throw ShareAccessError.notAllowed(selection ? "This link does not let you pick a selection."
                                                        : "This link is not open for comments or decisions.")
        }
        guard let asset = share.asset(try assetId(context)) else { throw ShareAccessError.notFound }
        return (share, asset)
    }

    /// A JSON body of at most `reviewBodyLimit` bytes, sent as `application/json`.
    static func jsonBody<T: Decodable>(_ type: T.Type, of request: Request) async throws -> T {
        guard let contentType = request.headers[.contentType]?.lowercased(), contentType.hasPrefix("application/json") else {
            throw DomainError.unsupportedMedia("send the body as application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: reviewBodyLimit)
        return try JSONDecoder.stockroom.decode(T.self, from: Data(buffer.readableBytesView))
    }
}

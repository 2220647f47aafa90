import Foundation

/// What a client does through a COMMENT or EDIT share link besides looking: comment on an asset
/// (pinned to a point, a rectangle or a moment, or on the whole asset), reply in a thread, decide
/// per asset (approve / reject / clear), and on EDIT links pick assets into a selection.
///
/// Every call takes the link already resolved (token, expiry, password session and membership
/// checked by the caller, as for files) and the asset as the link reaches it. It then checks the
/// link's access level (`notAllowed`, 403, on VIEW and DOWNLOAD links whatever is sent), the
/// input (`DomainError.invalidArgument`, 400), the client's write rate (`rateLimited`, 429) and
/// the link's comment cap (403), and writes with the client as the actor, logged with the link,
/// address and user agent.
public struct ClientReviewService: Sendable {
    let comments: any CommentRepository
    /// Nil on a catalog that does not hold decisions and selections yet (PostgreSQL).
    let reviews: (any ReviewRepository)?
    let limiter: ClientActionLimiter
    let commentCap: Int

    /// Comments one link may hold in all: a script holding a link cannot fill the catalog.
    public static let maxCommentsPerLink = 5_000

    public init(comments: any CommentRepository, reviews: (any ReviewRepository)?, limiter: ClientActionLimiter = ClientActionLimiter(),
                commentCap: Int = ClientReviewService.maxCommentsPerLink) {
        self.comments = comments
        self.reviews = reviews
        self.limiter = limiter
        self.commentCap = commentCap
    }

    /// The asset's threads as the link's client sees them: those started through this link,
    /// with every reply (staff's included). Other links' threads and staff-only threads stay hidden.
    public func threads(of asset: SharedAsset, in share: ResolvedShare) throws -> [CommentThread] {
        try requireReview(share)
        let all = try comments.comments(assetId: asset.id)
        return CommentThread.build(from: CommentThread.visible(all, throughLink: share.link.id!))
    }

    /// A client comment; `parentId` must name a comment the client can see on the same asset.
    public func postComment(content: String, authorName: String?, annotation: Annotation?, parentId: Int64?,
                            on asset: SharedAsset, in share: ResolvedShare, client: ShareClient, now: Date = Date()) throws -> Comment {
        try requireReview(share)
        let text = try CommentRules.content(content)
        let name = try CommentRules.name(authorName)
        try CommentRules.validate(annotation, for: asset.asset)
        let linkId = share.link.id!
        if let parentId {
            let visible = CommentThread.visible(try comments.comments(assetId: asset.id), throughLink: linkId)
            guard visible.contains(where: { $0.id == parentId }) else {
                throw DomainError.invalidArgument("parentId: no comment \(parentId) in this asset's threads")
            }
        }
        try admit(.comment, share: share, client: client)
        let comment = Comment(assetId: asset.id, parentId: parentId, content: text, authorId: "link:\(linkId)", authorType: Actor.Kind.client.rawValue,
                              authorName: name, shareLinkId: linkId, annotation: annotation, now: now)
        let saved = Result { () throws(DomainError) -> Comment in
            try comments.addComment(comment, by: Actor(kind: .client, name: name), assetName: asset.asset.name,
                                    details: Self.details(client), linkCap: commentCap)
        }
        switch saved {
        case let .success(comment): return comment
        case .failure(.conflict): throw ShareAccessError.notAllowed("This link has reached its limit of \(commentCap) comments.")
        case let .failure(error): throw error
        }
    }

    /// Approve, reject, or clear (`.open`) the decision on an asset, with an optional note.
    public func decide(_ decision: ReviewDecision, note: String?, authorName: String?, on asset: SharedAsset, in share: ResolvedShare,
                       client: ShareClient, now: Date = Date()) throws -> AssetReview {
        try requireReview(share)
        let name = try CommentRules.name(authorName)
        let cleanNote = decision == .open ? nil : try CommentRules.note(note)
        try admit(.review, share: share, client: client)
        let review = AssetReview(shareLinkId: share.link.id!, assetId: asset.id, decision: decision, note: cleanNote, authorName: name,
                                 decidedAt: now)
        return try decisions().recordReview(review, by: Actor(kind: .client, name: name), assetName: asset.asset.name, details: Self.details(client))
    }

    /// Picks the asset into (or out of) the link's selection: EDIT links only.
    public func select(_ selected: Bool, authorName: String?, on asset: SharedAsset, in share: ResolvedShare, client: ShareClient,
                       now: Date = Date()) throws -> ShareSelection {
        guard share.link.accessLevel.allowsSelection else {
            throw ShareAccessError.notAllowed("This link does not let you pick a selection.")
        }
        let name = try CommentRules.name(authorName)
        try admit(.selection, share: share, client: client)
        return try decisions().setSelected(selected, assetId: asset.id, assetName: asset.asset.name, link: share.link,
                                       name: Self.selectionName(share), by: Actor(kind: .client, name: name),
                                       details: Self.details(client), now: now)
    }

    /// "Selection: Spring Campaign (ana@example.com)": what staff see in `collection list`.
    static func selectionName(_ share: ResolvedShare) -> String {
        let who = share.link.recipientEmail ?? "link \(share.link.id!)"
        return "Selection: \(share.content.title) (\(who))"
    }

    private func decisions() throws(DomainError) -> any ReviewRepository {
        guard let reviews else { throw .invalidArgument("decisions and selections are kept in a SQLite catalog; this server's catalog does not hold them yet") }
        return reviews
    }

    private func requireReview(_ share: ResolvedShare) throws(ShareAccessError) {
        guard share.link.accessLevel.allowsReview else {
            throw .notAllowed("This link is not open for comments or decisions.")
        }
    }

    private func admit(_ action: ClientActionLimiter.Action, share: ResolvedShare, client: ShareClient) throws(ShareAccessError) {
        if let wait = limiter.admit(action, address: client.address, linkId: share.link.id!) {
            throw .rateLimited(retryAfterSeconds: wait)
        }
    }

    /// Where a client write came from, for the activity log (the address and a bounded user agent).
    static func details(_ client: ShareClient) -> [String: JSONValue] {
        var details: [String: JSONValue] = [:]
        if let address = client.address { details["clientAddress"] = .string(address) }
        if let agent = client.userAgent { details["userAgent"] = .string(String(agent.prefix(300))) }
        return details
    }
}

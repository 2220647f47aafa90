import Foundation

/// Staff work on comments: listing them across assets and links, replying, resolving, and
/// commenting through the admin API. Every write is logged with its actor.
public struct CommentService: Sendable {
    let comments: any CommentRepository
    let assets: any AssetCatalogRepository

    public init(comments: any CommentRepository, assets: any AssetCatalogRepository) {
        self.comments = comments
        self.assets = assets
    }

    public func list(_ filter: CommentFilter) throws(DomainError) -> [Comment] {
        try comments.comments(matching: filter)
    }

    /// The asset's comments as threads (every comment: staff see all of them).
    public func threads(assetId: Int64) throws(DomainError) -> [CommentThread] {
        _ = try existingAsset(assetId)
        return CommentThread.build(from: try comments.comments(assetId: assetId))
    }

    /// A staff comment on an asset, optionally a reply and pinned to the picture or a moment.
    public func add(assetId: Int64, content: String, parentId: Int64? = nil, annotation: Annotation? = nil,
                    authorId: String? = nil, by actor: Actor, now: Date = Date()) throws(DomainError) -> Comment {
        let asset = try existingAsset(assetId)
        let text = try CommentRules.content(content)
        try CommentRules.validate(annotation, for: asset)
        let comment = Comment(assetId: assetId, parentId: parentId, content: text, authorId: authorId ?? actor.name,
                              authorType: actor.kind.rawValue, authorName: actor.name, annotation: annotation, now: now)
        return try comments.addComment(comment, by: actor, assetName: asset.name, details: [:], linkCap: nil)
    }

    /// A staff reply to comment `id`, in the same asset's thread.
    public func reply(to id: Int64, content: String, by actor: Actor, now: Date = Date()) throws(DomainError) -> Comment {
        guard let parent = try comments.comment(id: id) else { throw .notFound("no comment with id \(id) (see `stockroom comment list`)") }
        return try add(assetId: parent.assetId, content: content, parentId: id, by: actor, now: now)
    }

    public func resolve(_ id: Int64, by actor: Actor, now: Date = Date()) throws(DomainError) -> Comment {
        try comments.resolveComment(id: id, by: actor, at: now)
    }

    private func existingAsset(_ id: Int64) throws(DomainError) -> Asset {
        guard let asset = try assets.asset(id: id) else { throw .notFound("no asset with id \(id)") }
        return asset
    }
}

import Foundation

/// The activity entries of comments, written alike by both catalogs (and sent alike by webhooks):
/// `comment.created` carries the comment itself in its metadata, `comment.resolved` which one.
enum CommentActivity {
    static func created(_ comment: Comment, by actor: Actor, assetName: String, details: [String: JSONValue]) throws(DomainError) -> Activity {
        var metadata = details
        metadata["commentId"] = .number(Double(comment.id!))
        metadata["assetId"] = .number(Double(comment.assetId))
        metadata["content"] = .string(comment.content)
        metadata["authorType"] = .string(comment.authorType)
        if let name = comment.authorName { metadata["authorName"] = .string(name) }
        if let parentId = comment.parentId { metadata["parentId"] = .number(Double(parentId)) }
        if let linkId = comment.shareLinkId { metadata["shareLinkId"] = .number(Double(linkId)) }
        if let annotation = comment.annotation {
            do { metadata["annotation"] = try JSONValue.encoding(annotation) } catch {
                throw .invalidArgument("cannot encode the comment's annotation: \(error)")
            }
        }
        let excerpt = comment.content.count > 80 ? String(comment.content.prefix(79)) + "…" : comment.content
        return Activity(
            organizationId: Organization.defaultId, actor: actor, action: "comment.created", entityType: "asset",
            entityId: String(comment.assetId), entityTitle: assetName,
            description: "\(comment.parentId == nil ? "Commented" : "Replied") on \(assetName): \(excerpt)",
            metadata: .object(metadata), now: comment.createdAt)
    }

    static func resolved(_ comment: Comment, by actor: Actor, assetTitle title: String, now: Date) -> Activity {
        var metadata: [String: JSONValue] = ["commentId": .number(Double(comment.id!)), "assetId": .number(Double(comment.assetId))]
        if let linkId = comment.shareLinkId { metadata["shareLinkId"] = .number(Double(linkId)) }
        return Activity(
            organizationId: Organization.defaultId, actor: actor, action: "comment.resolved", entityType: "asset",
            entityId: String(comment.assetId), entityTitle: title, description: "Resolved comment \(comment.id!) on \(title)",
            metadata: .object(metadata), now: now)
    }
}

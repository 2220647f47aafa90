import Foundation
import StockroomCore

/// An asset as the admin API returns it: every catalog field, its tags, and on `GET /assets/{id}`
/// its current version and renditions.
struct AssetResource: Encodable {
    var asset: Asset
    var tags: [String]
    var currentVersion: AssetVersion?
    var renditions: [Rendition]?

    func encode(to encoder: Encoder) throws {
        try asset.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tags, forKey: .tags)
        try c.encodeIfPresent(currentVersion, forKey: .currentVersion)
        try c.encodeIfPresent(renditions, forKey: .renditions)
    }

    private enum CodingKeys: String, CodingKey { case tags, currentVersion, renditions }
}

/// `POST /api/v1/collections`.
struct CreateCollectionBody: Decodable {
    var name: String
    var slug: String?
    var type: CollectionType?
    var description: String?
    var smartQuery: String?
    var smartRules: SmartRules?
    var allowDownload: Bool?
}

/// `POST /api/v1/collections/{slug}/items`.
struct AddItemsBody: Decodable {
    var assetIds: [Int64]
    var note: String?
}

/// `POST /api/v1/shares`: exactly one of `collection` and `assetId`.
struct CreateShareBody: Decodable {
    var collection: String?
    var assetId: Int64?
    /// A duration (`7d`) or a date, as on the command line.
    var expires: String?
    var password: String?
    var allowDownload: Bool?
    var maxDownloads: Int?
    var recipientEmail: String?
    var accessLevel: ShareAccessLevel?
    /// Show PENDING assets of libraries that require approval.
    var includePending: Bool?
}

/// `POST /api/v1/assets/{id}/comments`.
struct CreateCommentBody: Decodable {
    var content: String
    var parentId: Int64?
    var annotation: Annotation?
    var authorId: String?
}

/// A share link with its client URL, as `POST /shares` and `GET /shares/{token}` return it.
struct ShareResource: Encodable {
    var share: ShareLinkSummary
    var url: String

    func encode(to encoder: Encoder) throws {
        try share.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
    }

    private enum CodingKeys: String, CodingKey { case url }
}

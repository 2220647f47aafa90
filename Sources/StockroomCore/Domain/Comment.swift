import Foundation

/// Feedback on an asset, threaded through `parentId`, optionally pinned to a point, a rectangle
/// or a moment of a video.
///
/// Staff comments have `authorType` `user` (the CLI) or `api_key`; a client commenting through a
/// share link has `authorType` `client`, the link in `shareLinkId` and the name they gave in
/// `authorName` (names are not verified: anyone holding the link may use any name).
public struct Comment: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var assetId: Int64
    public var parentId: Int64?
    public var content: String
    public var authorId: String
    public var authorType: String
    /// The name shown with the comment: the client's own, or the staff member's.
    public var authorName: String?
    /// The share link a client comment came through.
    public var shareLinkId: Int64?
    public var annotation: Annotation?
    public var isResolved: Bool
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64? = nil, assetId: Int64, parentId: Int64? = nil, content: String, authorId: String,
                authorType: String = "user", authorName: String? = nil, shareLinkId: Int64? = nil,
                annotation: Annotation? = nil, now: Date = Date()) {
        self.id = id
        self.assetId = assetId
        self.parentId = parentId
        self.content = content
        self.authorId = authorId
        self.authorType = authorType
        self.authorName = authorName
        self.shareLinkId = shareLinkId
        self.annotation = annotation
        self.isResolved = false
        self.createdAt = now
        self.updatedAt = now
    }
}

/// Where on the asset a comment points. Coordinates are fractions of width/height (0…1).
public enum Annotation: Codable, Sendable, Equatable {
    case point(x: Double, y: Double)
    case rect(x: Double, y: Double, width: Double, height: Double)
    case timestamp(time: Double)

    private enum CodingKeys: String, CodingKey { case type, x, y, width, height, time }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "point":
            self = .point(x: try c.decode(Double.self, forKey: .x), y: try c.decode(Double.self, forKey: .y))
        case "rect":
            self = .rect(x: try c.decode(Double.self, forKey: .x), y: try c.decode(Double.self, forKey: .y),
                         width: try c.decode(Double.self, forKey: .width), height: try c.decode(Double.self, forKey: .height))
        case "timestamp":
            self = .timestamp(time: try c.decode(Double.self, forKey: .time))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown annotation type \(other); expected point, rect or timestamp")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .point(x, y):
            try c.encode("point", forKey: .type); try c.encode(x, forKey: .x); try c.encode(y, forKey: .y)
        case let .rect(x, y, w, h):
            try c.encode("rect", forKey: .type); try c.encode(x, forKey: .x); try c.encode(y, forKey: .y)
            try c.encode(w, forKey: .width); try c.encode(h, forKey: .height)
        case let .timestamp(t):
            try c.encode("timestamp", forKey: .type); try c.encode(t, forKey: .time)
        }
    }
}

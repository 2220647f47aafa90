import Foundation

/// A file that could not be ingested, kept visible with its reason until it is retried or dismissed.
public struct IngestFailure: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var organizationId: String
    public var libraryId: Int64?
    /// Where the file was when it failed.
    public var sourcePath: String
    /// Where the file was moved to, if it was quarantined.
    public var quarantinePath: String?
    public var stage: String
    /// One line: the first cause, then "(+N more warnings)".
    public var reason: String
    /// The full text when it is longer than `reason` (every warning a library gave).
    public var details: String?
    public var occurredAt: Date
    public var resolvedAt: Date?

    public init(id: Int64? = nil, organizationId: String = Organization.defaultId, libraryId: Int64?, sourcePath: String,
                quarantinePath: String? = nil, stage: String, reason: String, details: String? = nil, now: Date = Date()) {
        self.id = id
        self.organizationId = organizationId
        self.libraryId = libraryId
        self.sourcePath = sourcePath
        self.quarantinePath = quarantinePath
        self.stage = stage
        self.reason = reason
        self.details = details
        self.occurredAt = now
    }
}

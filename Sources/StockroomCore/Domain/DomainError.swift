/// Errors the domain reports to its callers (CLI, HTTP). Store and media errors are mapped to
/// these at their boundaries, so callers never see SQLite result codes or libvips messages raw.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case invalidArgument(String)
    case conflict(String)
    case unsupportedMedia(String)
    case storage(String)

    public var description: String {
        switch self {
        case let .notFound(m), let .alreadyExists(m), let .invalidArgument(m), let .conflict(m),
             let .unsupportedMedia(m), let .storage(m):
            return m
        }
    }
}

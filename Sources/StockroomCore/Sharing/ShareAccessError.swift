/// Why a share-link request is refused. Each case is one HTTP status at the server boundary.
public enum ShareAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Unknown or revoked token, or an asset the link does not reach (404).
    case notFound
    /// The link is past its expiry date (410).
    case expired
    /// The link has a password and the request has no valid session (401).
    case passwordRequired
    /// A wrong password (401), answered slowly.
    case wrongPassword
    /// Too many wrong passwords from one address (429).
    case rateLimited(retryAfterSeconds: Int)
    /// Downloads are off for this link, or its download cap is used up (403).
    case downloadNotAllowed(String)
    /// The link's access level does not allow this (comments on a VIEW link, a selection on a
    /// COMMENT link), or a limit of the link is reached (403).
    case notAllowed(String)

    public var description: String {
        switch self {
        case .notFound: return "This link does not exist or has been revoked."
        case .expired: return "This link has expired."
        case .passwordRequired: return "This link is protected by a password."
        case .wrongPassword: return "The password is not correct."
        case let .rateLimited(seconds): return "Too many attempts. Try again in \(seconds) seconds."
        case let .downloadNotAllowed(reason), let .notAllowed(reason): return reason
        }
    }
}

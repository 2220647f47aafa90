import Foundation

/// Share links, their access log and their counters.
public protocol ShareLinkRepository: Sendable {
    /// Saves the link and logs `share.created` for `actor` in the same transaction; `target` names
    /// what is shared ("collection:summer", "asset:12"). The token is never logged.
    func createShareLink(_ link: ShareLink, by actor: Actor, target: String) throws(DomainError) -> ShareLink
    func shareLinks(organizationId: String) throws(DomainError) -> [ShareLink]
    /// Candidates whose token starts with `prefix`; the caller compares the full token in constant time.
    func shareLinks(tokenPrefix prefix: String) throws(DomainError) -> [ShareLink]
    func shareLink(id: Int64) throws(DomainError) -> ShareLink?
    /// Revokes the link and logs `share.revoked` naming `target`; revoking a revoked link changes
    /// and logs nothing.
    func revokeShareLink(id: Int64, at now: Date, by actor: Actor, target: String) throws(DomainError)
    /// Counts a view: `accessCount + 1`, `lastAccessedAt = now`.
    func recordShareView(linkId: Int64, at now: Date) throws(DomainError)
    /// Takes one download from the link's allowance in a single statement, so that concurrent
    /// requests can never exceed `maxDownloads`. Returns whether the download may go ahead.
    func consumeShareDownload(linkId: Int64, at now: Date) throws(DomainError) -> Bool
    func appendShareAccess(_ event: ShareAccessEvent) throws(DomainError)
    func shareAccessLog(linkId: Int64) throws(DomainError) -> [ShareAccessEvent]
}

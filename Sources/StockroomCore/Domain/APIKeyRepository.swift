import Foundation

public protocol APIKeyRepository: Sendable {
    func createAPIKey(_ key: APIKey) throws(DomainError) -> APIKey
    func apiKeys(organizationId: String) throws(DomainError) -> [APIKey]
    func apiKey(prefix: String) throws(DomainError) -> APIKey?
    func revokeAPIKey(prefix: String, at now: Date) throws(DomainError) -> Bool
    func touchAPIKey(id: Int64, at now: Date) throws(DomainError)
}

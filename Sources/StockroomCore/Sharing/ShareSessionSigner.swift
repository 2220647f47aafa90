import Crypto
import Foundation

/// Signs and checks the cookie that proves a client gave a link's password.
///
/// The value is `expiry.signature`, where the HMAC-SHA256 covers the link id, its token, its
/// password hash and the expiry: changing the password or revoking the secret ends every session.
public struct ShareSessionSigner: Sendable {
    private let secret: Data
    public let lifetime: TimeInterval

    public init(secret: Data, lifetime: TimeInterval = 12 * 3_600) {
        self.secret = secret
        self.lifetime = lifetime
    }

    public func sign(_ link: ShareLink, now: Date = Date()) -> String {
        let expiry = Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970)
        return "\(expiry).\(signature(link, expiry: expiry))"
    }

    public func verify(_ value: String, for link: ShareLink, now: Date = Date()) -> Bool {
        let parts = value.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Int64(parts[0]), Double(expiry) > now.timeIntervalSince1970 else { return false }
        return SecretToken.constantTimeEquals(String(parts[1]), signature(link, expiry: expiry))
    }

    private func signature(_ link: ShareLink, expiry: Int64) -> String {
        let message = "share-session|\(link.id ?? 0)|\(link.token)|\(link.passwordHash ?? "")|\(expiry)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: secret))
        return SecretToken.base64URL(Data(mac))
    }
}

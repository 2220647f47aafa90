import Crypto
import Foundation

/// How a delivery proves it comes from this Stockroom: `X-Stockroom-Signature: sha256=HEX`, the
/// HMAC-SHA256 of `TIMESTAMP.BODY` keyed by the endpoint's secret, where `TIMESTAMP` is the
/// `X-Stockroom-Timestamp` header (Unix seconds). A receiver recomputes it over the raw body,
/// compares in constant time, and refuses old timestamps (replays).
public enum WebhookSignature {
    public static func sign(body: Data, timestamp: Int, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public static func verify(signature: String, body: Data, timestamp: Int, secret: String) -> Bool {
        SecretToken.constantTimeEquals(signature, sign(body: body, timestamp: timestamp, secret: secret))
    }
}

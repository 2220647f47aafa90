import Foundation

/// The data home's signing secret (`HOME/server.key`, 32 random bytes, owner-only), made on first use.
public enum ServerSecret {
    public static func loadOrCreate(in home: DataHome) throws(DomainError) -> Data {
        let url = home.root.appendingPathComponent("server.key")
        if let existing = try? Data(contentsOf: url), existing.count >= 32 { return existing }
        var generator = SystemRandomNumberGenerator()
        let secret = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        guard FileManager.default.createFile(atPath: url.path, contents: secret, attributes: [.posixPermissions: 0o600]) else {
            throw .storage("cannot write \(url.path)")
        }
        return secret
    }
}

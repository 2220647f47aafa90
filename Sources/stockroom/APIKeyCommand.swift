import ArgumentParser
import Foundation
import StockroomCore

struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Create, list and revoke admin API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it. It is shown only this once; only its hash is kept.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What the key is for, e.g. \"ci-publisher\".") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let (key, secret) = try global.apiKeyService(home).createKey(name: name, by: .cli)
            if json {
                struct Created: Encodable { var name: String; var prefix: String; var key: String; var createdAt: Date }
                return try printJSON(Created(name: key.name, prefix: key.prefix, key: secret, createdAt: key.createdAt))
            }
            print(secret)
            FileHandle.standardError.write(Data("API key \"\(key.name)\" created (prefix \(key.prefix)). Store it now: it will not be shown again.\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (prefix, name, last use; never the key).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let keys = try global.apiKeyService(home).allKeys()
            struct Listed: Encodable { var name: String; var prefix: String; var createdAt: Date; var lastUsedAt: Date?; var revokedAt: Date? }
            let listed = keys.map { Listed(name: $0.name, prefix: $0.prefix, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt) }
            if json { return try printJSON(listed) }
            printTable(["PREFIX", "NAME", "CREATED", "LAST USED", "STATE"],
                       listed.map { [$0.prefix, $0.name, $0.createdAt.formatted(.iso8601), $0.lastUsedAt.map { $0.formatted(.iso8601) } ?? "never",
                                     $0.revokedAt == nil ? "active" : "revoked"] })
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by its prefix (or the whole key).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key's prefix, as `apikey list` shows it.") var prefix: String

        func run() throws {
            let home = try global.openHome()
            try global.apiKeyService(home).revoke(prefix: prefix, by: .cli)
            print("Revoked API key \(prefix.prefix(12)).")
        }
    }
}

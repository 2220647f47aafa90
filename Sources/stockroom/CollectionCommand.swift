import ArgumentParser
import Foundation
import StockroomCore

struct CollectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection", abstract: "Create collections and choose what is in them.",
        subcommands: [Create.self, Add.self, Remove.self, List.self, Show.self, Delete.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a collection: hand-picked (MANUAL, LIGHTBOX, DELIVERABLE) or SMART (defined by rules).",
            discussion: """
            A SMART collection's members are every asset its rules match, e.g.
              --smart-rules '{"conditions":[{"field":"tags","operator":"contains","value":"summer"}],"match":"all"}'
            Fields: assetType, tags, status, license, libraryId, folderPath, createdAt, capturedAt, name.
            Operators: equals, in, contains, after, before, gt, lt.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Display name, e.g. \"Summer campaign selects\".") var name: String
        @Option(help: "One of: \(CollectionType.allCases.map(\.rawValue).joined(separator: ", ")) (default: MANUAL, or SMART with rules).")
        var type: CollectionType?
        @Option(help: "URL slug (default: made from the name).") var slug: String?
        @Option(help: "Description shown to clients on shared galleries.") var description: String?
        @Option(help: "Smart collection query in the search language (stored; evaluated once the query language is available).")
        var smart: String?
        @Option(name: .customLong("smart-rules"), help: "Smart collection rules as JSON (conditions + match all|any).")
        var smartRules: String?
        @Flag(name: .customLong("no-download"), help: "Never allow downloads of this collection through share links.")
        var noDownload = false
        @Flag(help: "Print the collection as JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let rules = try smartRules.map { text throws(DomainError) in try SmartRules.parse(text) }
            let collection = try global.collectionService(home).createCollection(
                name: name, slug: slug, type: type, description: description, smartQuery: smart, smartRules: rules,
                allowDownload: !noDownload, by: .cli)
            if json { return try printJSON(collection) }
            print("Created \(collection.collectionType.rawValue.lowercased()) collection \"\(collection.name)\" (\(collection.slug)).")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add assets to a collection, in order, after its current items.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection slug.") var slug: String
        @Argument(help: "Asset ids.") var assetIds: [Int64]
        @Option(help: "A note shown with each added asset.") var note: String?

        func run() throws {
            let home = try global.openHome()
            let items = try global.collectionService(home).addAssets(assetIds, to: slug, note: note, by: .cli)
            print("\(slug) now holds asset\(items.count == 1 ? "" : "s") \(items.map { String($0.assetId) }.joined(separator: ", ")).")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove assets from a collection.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection slug.") var slug: String
        @Argument(help: "Asset ids.") var assetIds: [Int64]

        func run() throws {
            let home = try global.openHome()
            let removed = try global.collectionService(home).removeAssets(assetIds, from: slug, by: .cli)
            print("Removed \(removed) asset\(removed == 1 ? "" : "s") from \(slug).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List collections with their member counts.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let all = try global.collectionService(home).allCollections()
            if json { return try printJSON(all) }
            printTable(["SLUG", "NAME", "TYPE", "ASSETS"],
                       all.map { [$0.collection.slug, $0.collection.name, $0.collection.collectionType.rawValue, String($0.assetCount)] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a collection and its members in order.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection slug.") var slug: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let details = try global.collectionService(home).details(slug: slug)
            if json { return try printJSON(details) }
            let c = details.collection
            print("\(c.name) (\(c.slug)) · \(c.collectionType.rawValue) · \(details.items.count) asset\(details.items.count == 1 ? "" : "s")")
            if let description = c.description { print(description) }
            if let query = c.smartQuery { print("query: \(query)") }
            if let rules = c.smartRules, let data = try? JSONEncoder.stockroom.encode(rules) { print("rules: \(String(decoding: data, as: UTF8.self))") }
            printTable(["ID", "NAME", "TYPE", "STATUS", "TAGS", "NOTE"],
                       details.items.map { [String($0.assetId), $0.name, $0.assetType.rawValue, $0.status.rawValue,
                                            $0.tags.joined(separator: ","), $0.note ?? ""] })
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a collection (its assets stay; its share links stop working).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection slug.") var slug: String

        func run() throws {
            let home = try global.openHome()
            try global.collectionService(home).deleteCollection(slug: slug, by: .cli)
            print("Deleted collection \(slug).")
        }
    }
}

extension CollectionType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

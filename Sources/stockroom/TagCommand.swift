import ArgumentParser
import StockroomCore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tag assets in bulk by query; list and rename tags.",
        subcommands: [Add.self, Remove.self, Set.self, List.self, Rename.self]
    )

    /// The shared body of add, remove and set.
    static func change(_ operation: TagOperation, tags: [String], global: GlobalOptions, selection: SelectionOptions, json: Bool) throws {
        let parsed = try selection.selection()
        let home = try global.openHome()
        let report = try TaggingService(tags: home.catalog).change(operation, tags: tags, on: parsed, dryRun: selection.dryRun, by: .cli)
        if json { return try printJSON(report) }
        let verb = switch operation {
        case .add: "add"
        case .remove: "remove"
        case .set: "set to"
        }
        printBulkReport(report, change: "\(verb) \(tags.joined(separator: ", "))")
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add tags to the selected assets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Argument(help: "Tags; brand/logo makes a hierarchical tag.") var tags: [String]
        @Flag(help: "Print JSON.") var json = false
        func run() throws { try TagCommand.change(.add, tags: tags, global: global, selection: selection, json: json) }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove tags (exactly these, not their children) from the selected assets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Argument(help: "Tags.") var tags: [String]
        @Flag(help: "Print JSON.") var json = false
        func run() throws { try TagCommand.change(.remove, tags: tags, global: global, selection: selection, json: json) }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the selected assets' tags exactly these.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: SelectionOptions
        @Argument(help: "Tags.") var tags: [String]
        @Flag(help: "Print JSON.") var json = false
        func run() throws { try TagCommand.change(.set, tags: tags, global: global, selection: selection, json: json) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tags with how many assets carry each.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON: [{ name, normalized, assetCount }].") var json = false
        func run() throws {
            let home = try global.openHome()
            let usage = try TaggingService(tags: home.catalog).usage()
            if json { return try printJSON(usage) }
            printTable(["TAG", "ASSETS"], usage.map { [$0.name, String($0.assetCount)] })
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a tag and its children; merges into a tag that already has the new name.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Current tag name (any case).") var old: String
        @Argument(help: "New tag name.") var new: String
        @Flag(help: "Print JSON: { from, to, renamed, merged, assets }.") var json = false
        func run() throws {
            let home = try global.openHome()
            let report = try TaggingService(tags: home.catalog).rename(old, to: new, by: .cli)
            if json { return try printJSON(report) }
            print("Renamed \(report.from) to \(report.to): \(report.renamed) tags renamed, \(report.merged) merged, \(report.assets) assets affected.")
        }
    }
}

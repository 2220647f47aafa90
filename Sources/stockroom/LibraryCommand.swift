import ArgumentParser
import StockroomCore

struct LibraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Create and list libraries.",
        subcommands: [Create.self, List.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a library.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Display name, e.g. \"Brand Assets\".") var name: String
        @Option(help: "One of: \(LibraryType.allCases.map(\.rawValue).joined(separator: ", ")).") var type: LibraryType = .general
        @Option(help: "One of: \(LibraryVisibility.allCases.map(\.rawValue).joined(separator: ", ")).") var visibility: LibraryVisibility = .internal
        @Option(help: "URL slug (default: made from the name).") var slug: String?
        @Option(help: "Description.") var description: String?
        @Option(help: "Pipeline definition from Pipelines/ to render with (default: default).") var pipeline: String?
        @Flag(help: "Print the library as JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let library = try global.libraryService(home).createLibrary(
                name: name, slug: slug, type: type, visibility: visibility, description: description,
                pipeline: pipeline, by: .cli)
            if json { try printJSON(library) } else { print("Created library \"\(library.name)\" (\(library.slug)).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List libraries.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let libraries = try global.libraryService(home).allLibraries()
            if json { return try printJSON(libraries) }
            printTable(["SLUG", "NAME", "TYPE", "VISIBILITY"],
                       libraries.map { [$0.slug, $0.name, $0.libraryType.rawValue, $0.visibility.rawValue] })
        }
    }
}

extension LibraryType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

extension LibraryVisibility: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

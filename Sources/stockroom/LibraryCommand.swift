import ArgumentParser
import StockroomCore

struct LibraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Create and list libraries; change their rules.",
        subcommands: [Create.self, List.self, Set.self]
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

extension LibraryCommand {
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a library's rules: approval, allowed file types, largest file.",
            discussion: """
            With --require-approval new assets stay PENDING until `asset approve`, and share links             show only APPROVED ones (unless the link was made with `share create --include-pending`).             --allowed-types takes MIME types or patterns, comma-separated (image/*,video/mp4); "any"             allows everything. --max-file-size takes 500MB, 2GiB, 1048576 or "none". The rules apply             to files ingested from now on.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The library's slug.") var slug: String
        @Flag(inversion: .prefixedNo, help: "Keep new assets PENDING until approved.") var requireApproval: Bool?
        @Option(name: .customLong("allowed-types"), help: "MIME types or patterns, comma-separated, or \"any\".") var allowedTypes: String?
        @Option(name: .customLong("max-file-size"), help: "Largest file accepted: 500MB, 2GiB, bytes, or \"none\".") var maxFileSize: String?
        @Flag(help: "Print the library as JSON.") var json = false

        func run() throws {
            var change = LibrarySettingsChange(requireApproval: requireApproval)
            if let allowedTypes {
                let trimmed = allowedTypes.trimmingCharacters(in: .whitespaces)
                change.allowedFileTypes = trimmed.lowercased() == "any" || trimmed.isEmpty
                    ? [] : trimmed.split(separator: ",").map { String($0) }
            }
            if let maxFileSize {
                if maxFileSize.lowercased() == "none" {
                    change.maxFileSize = .some(nil)
                } else {
                    guard let bytes = ByteSize.parse(maxFileSize) else {
                        throw ValidationError("--max-file-size takes a size like 500MB, 2GiB or 1048576, or none.")
                    }
                    change.maxFileSize = .some(bytes)
                }
            }
            let home = try global.openHome()
            let library = try global.libraryService(home).updateSettings(slug: slug, change, by: .cli)
            if json { return try printJSON(library) }
            let settings = library.settings
            print("\(library.slug): approval \(settings.requireApproval ? "required" : "not required"); "
                  + "allowed types \(settings.allowedFileTypes.isEmpty ? "any" : settings.allowedFileTypes.joined(separator: ", ")); "
                  + "max file size \(settings.maxFileSize.map { "\($0) bytes" } ?? "none").")
        }
    }
}

extension LibraryType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

extension LibraryVisibility: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

import ArgumentParser
import StockroomCore

struct FolderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folder", abstract: "Manage a library's folder tree.",
        subcommands: [Create.self, Move.self, Tree.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a folder and any missing parents.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Library slug.") var library: String
        @Argument(help: "Folder path, e.g. /campaigns/summer-2024/photos.") var path: String

        func run() throws {
            let home = try global.openHome()
            let folder = try global.libraryService(home).createFolder(librarySlug: library, path: path, by: .cli)
            print("Folder \(folder.path) is ready in \(library).")
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move (or rename) a folder with its subtree: SOURCE becomes DESTINATION.",
            discussion: "`folder move brand /a/b /c/b` moves /a/b under /c; `folder move brand /a/b /a/c` renames it. Missing parents of DESTINATION are created. All paths of the subtree change in one transaction."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Library slug.") var library: String
        @Argument(help: "Folder to move.") var source: String
        @Argument(help: "Its new full path.") var destination: String

        func run() throws {
            let home = try global.openHome()
            let folder = try global.libraryService(home).moveFolder(librarySlug: library, from: source, to: destination, by: .cli)
            print("Moved \(source) to \(folder.path).")
        }
    }

    struct Tree: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a library's folder tree.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Library slug.") var library: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let tree = try global.libraryService(home).folderTree(librarySlug: library)
            if json { return try printJSON(tree) }
            print("\(library) /")
            func show(_ nodes: [FolderNode], indent: String) {
                for (i, node) in nodes.enumerated() {
                    let last = i == nodes.count - 1
                    print(indent + (last ? "└── " : "├── ") + node.slug)
                    show(node.children, indent: indent + (last ? "    " : "│   "))
                }
            }
            show(tree, indent: "")
        }
    }
}

import ArgumentParser
import StockroomCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a data home (catalog and blob store); safe to run again."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let existed = DataHome.isInitialized(at: global.homeURL)
        let home = try DataHome.initialize(at: global.homeURL)
        print(existed ? "Data home at \(home.root.path) is up to date." : "Created data home at \(home.root.path).")
    }
}

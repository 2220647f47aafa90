import ArgumentParser
import Foundation
import StockroomCore

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Data home (default: $STOCKROOM_HOME, else ./stockroom-data).")
    var home: String?

    var homeURL: URL { DataHome.resolve(home) }

    /// Opens the data home, turning a missing one into a one-line error.
    func openHome() throws -> DataHome {
        try DataHome.open(at: homeURL)
    }

    func libraryService(_ home: DataHome) -> LibraryService {
        LibraryService(libraries: home.catalog, folders: home.catalog)
    }
}

/// Prints JSON output: the public, documented shape (camelCase keys, ISO-8601 dates).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder.stockroom
    encoder.outputFormatting.insert(.prettyPrinted)
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Prints rows as an aligned text table.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in
            i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
}

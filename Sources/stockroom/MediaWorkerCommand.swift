import ArgumentParser
import Foundation
import StockroomCore
import StockroomMedia

/// The media worker: started by Stockroom itself, never by people. Decodes untrusted files with
/// libvips, libexif and libav under resource limits and answers over stdin/stdout
/// (Docs/architecture.md, "Containment").
struct MediaWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media-worker", abstract: "Internal: a supervised media worker process.", shouldDisplay: false)

    @Option(help: "Protocol version the supervisor speaks.") var protocolVersion: Int
    @Option(help: "Address-space limit in bytes (RLIMIT_AS).") var memoryBytes: UInt64?
    @Flag(help: "Close inherited descriptors at start.") var closeInherited = false

    func run() throws {
        let status = MediaWorkerMain.run(protocolVersion: protocolVersion, memoryBytes: memoryBytes, closeInherited: closeInherited) {
            configuration throws(MediaError) in try LibMediaEngine(configuration: configuration)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

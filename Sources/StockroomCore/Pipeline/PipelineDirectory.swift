import Foundation

/// Finds pipeline definitions by name. Looks in, in order: `$STOCKROOM_PIPELINES`, the data
/// home's `pipelines/`, and the `Pipelines/` folder of the Stockroom checkout (found by walking
/// up from the working directory and from the executable).
public struct PipelineDirectory: Sendable {
    public let searchPath: [URL]

    public init(searchPath: [URL]) {
        self.searchPath = searchPath
    }

    public static func standard(home: URL) -> PipelineDirectory {
        var dirs: [URL] = []
        if let env = ProcessInfo.processInfo.environment["STOCKROOM_PIPELINES"], !env.isEmpty {
            dirs.append(URL(fileURLWithPath: env, isDirectory: true))
        }
        dirs.append(home.appendingPathComponent("pipelines", isDirectory: true))
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()]
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("Pipelines", isDirectory: true)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("default.yml").path) {
                    if !dirs.contains(candidate) { dirs.append(candidate) }
                    break
                }
                let parent = dir.deletingLastPathComponent()
                if parent == dir { break }
                dir = parent
            }
        }
        return PipelineDirectory(searchPath: dirs)
    }

    /// Loads and validates the definition called `name` (`default` when nil).
    public func definition(named name: String?) throws(DomainError) -> PipelineDefinition {
        try Self.load(try file(named: name))
    }

    /// The file that defines `name` (`default` when nil): the first match along the search path.
    public func file(named name: String?) throws(DomainError) -> URL {
        let name = name ?? "default"
        guard Slug.isValid(name) else { throw .invalidArgument("\"\(name)\" is not a pipeline name") }
        for dir in searchPath {
            for ext in ["yml", "yaml"] {
                let url = dir.appendingPathComponent("\(name).\(ext)")
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
        }
        throw .notFound("no pipeline \"\(name)\" in \(searchPath.map(\.path).joined(separator: ", "))")
    }

    public static func load(_ url: URL) throws(DomainError) -> PipelineDefinition {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .notFound("cannot read pipeline \(url.path)")
        }
        do { return try PipelineDefinition.parse(yaml: text, file: url.path) } catch {
            throw .invalidArgument("invalid pipeline: \(error.description)")
        }
    }
}

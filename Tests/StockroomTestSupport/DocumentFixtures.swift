import Foundation

/// The documents, design files, logos, fonts and texts `scripts/make-document-fixtures` writes,
/// made once per test process, and the manifest of what each is known to contain.
public enum DocumentFixtures {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private static let made: Result<URL, Failure> = make()

    /// The folder holding the fixtures (and manifest.json).
    public static func folder() throws -> URL {
        try made.get()
    }

    public static func file(_ name: String) throws -> URL {
        try folder().appendingPathComponent(name)
    }

    /// manifest.json's entry for a file: pages, words, title, type…
    public static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try file("manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entry = manifest[name] as? [String: Any] else {
            throw Failure(description: "manifest.json has no entry for \(name)")
        }
        return entry
    }

    private static func make() -> Result<URL, Failure> {
        let temporary = FileManager.default.temporaryDirectory
        // Fixtures of earlier runs that ended without cleaning up.
        if let old = try? FileManager.default.contentsOfDirectory(at: temporary, includingPropertiesForKeys: [.contentModificationDateKey]) {
            for url in old where url.lastPathComponent.hasPrefix("stockroom-document-fixtures-") {
                let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? .distantFuture
                if modified < Date().addingTimeInterval(-3600) { try? FileManager.default.removeItem(at: url) }
            }
        }
        let folder = temporary.appendingPathComponent("stockroom-document-fixtures-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        let script = Corpus.repositoryRoot.appendingPathComponent("scripts/make-document-fixtures")
        let process = Process()
        // Debian's Python: the fixtures need its python3-fonttools and python3-cairo.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(Failure(description: "cannot run \(script.path): \(error)"))
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "make-document-fixtures failed (\(process.terminationStatus)): "
                + String(decoding: message, as: UTF8.self) + " — run scripts/install-deps test"))
        }
        return .success(folder)
    }
}

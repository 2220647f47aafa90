import Foundation

/// The servers and tools that integration tests reach on loopback, as scripts/test-servers
/// starts them: `STOCKROOM_TEST_S3_URL` (an S3 endpoint: moto, MinIO, …) and
/// `STOCKROOM_TEST_POSTGRES_URL` (`postgresql://USER:PASS@127.0.0.1:PORT/DB`).
///
/// scripts/test sets `STOCKROOM_TEST_REQUIRE_SERVERS=1`: a test whose server is missing then
/// fails with the variable's name instead of being skipped, so CI never passes by skipping.
/// In an ad-hoc `swift test` without the servers those tests are skipped.
public enum ServerEnvironment {
    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public static var requireServers: Bool { environment["STOCKROOM_TEST_REQUIRE_SERVERS"] == "1" }

    public static var s3URL: URL? {
        environment["STOCKROOM_TEST_S3_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) }
    }

    public static var postgresURL: String? {
        environment["STOCKROOM_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The S3 test server's key pair: scripts/test-servers creates a user in moto and exports
    /// it; any other endpoint takes its own (`STOCKROOM_TEST_S3_ACCESS_KEY_ID`/`…_SECRET_ACCESS_KEY`).
    public static var s3Credentials: (accessKeyId: String, secretAccessKey: String) {
        (environment["STOCKROOM_TEST_S3_ACCESS_KEY_ID"] ?? "stockroom-test", environment["STOCKROOM_TEST_S3_SECRET_ACCESS_KEY"] ?? "stockroom-test-secret")
    }

    /// Run the S3 tests: the endpoint is known, or CI demands it (and the test then fails clearly).
    public static var runS3Tests: Bool { s3URL != nil || requireServers }
    public static var runPostgresTests: Bool { postgresURL != nil || requireServers }

    public static let missingS3 = "STOCKROOM_TEST_S3_URL is not set: start the test servers with `source scripts/test-servers` (scripts/test does)"
    public static let missingPostgres = "STOCKROOM_TEST_POSTGRES_URL is not set: start the test servers with `source scripts/test-servers` (scripts/test does)"

    public static func executable(_ name: String) -> String? {
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static func pythonHas(_ module: String) -> Bool {
        guard let python = executable("python3") else { return false }
        return (try? run(python, ["-c", "import \(module)"])) != nil
    }

    public struct ProcessFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// A tool's standard output as text, its standard error discarded (ffmpeg, vips and
    /// exiftool write a lot there, and nobody reads it); throws on a non-zero exit.
    @discardableResult
    public static func output(of tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProcessFailed(description: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs a program to completion and returns its standard output; throws on a non-zero exit.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProcessFailed(description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return output
    }
}

import Foundation
import Testing
import StockroomTestSupport

/// The generated set of awkward-size videos and images (`scripts/make-awkward-media`), made on
/// first use into `.build/awkward-media` (or `$AWKWARD_MEDIA_DIR`) and reused while the script
/// is unchanged.
enum AwkwardMedia {
    struct Entry: Sendable, CustomTestStringConvertible {
        enum Kind: String, Sendable { case image, video, audio }

        var file: String
        var kind: Kind
        /// What describe reports: the displayed size of an image, the coded size of a video, the
        /// size of an audio file's cover art.
        var width: Int
        var height: Int
        /// The rendition source: the image as displayed, the poster after rotation and aspect
        /// ratio, the cover art.
        var displayWidth: Int
        var displayHeight: Int
        var bitDepth: Int
        var hasAlpha: Bool
        var pages: Int
        var rotation: Int
        /// Words the error must contain, when the file is to be refused.
        var refusal: String?
        /// ffprobe's pixel format of the video stream.
        var pixelFormat: String?

        var url: URL { AwkwardMedia.directory.appendingPathComponent(file) }
        var testDescription: String { file }
    }

    static let directory: URL = {
        if let configured = ProcessInfo.processInfo.environment["AWKWARD_MEDIA_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured, isDirectory: true)
        }
        return Corpus.repositoryRoot.appendingPathComponent(".build/awkward-media", isDirectory: true)
    }()

    /// The manifest's entries, or the generator's failure.
    static let loaded: Result<[Entry], GenerationError> = {
        do {
            try generate()
            let text = try String(contentsOf: directory.appendingPathComponent("manifest.tsv"), encoding: .utf8)
            return .success(try text.split(separator: "\n").map(parse))
        } catch let error as GenerationError {
            return .failure(error)
        } catch {
            return .failure(GenerationError(message: "\(error)"))
        }
    }()

    static var entries: [Entry] { (try? loaded.get()) ?? [] }

    struct GenerationError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func generate() throws {
        let script = Corpus.repositoryRoot.appendingPathComponent("scripts/make-awkward-media")
        let process = Process()
        process.executableURL = script
        process.arguments = [directory.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GenerationError(message: "scripts/make-awkward-media failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }

    private static func parse(_ line: Substring) throws -> Entry {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 12, let kind = Entry.Kind(rawValue: fields[1]),
              let numbers = Optional(fields[2...9].compactMap { Int($0) }), numbers.count == 8 else {
            throw GenerationError(message: "bad manifest line: \(line)")
        }
        let expect = fields[10]
        return Entry(file: fields[0], kind: kind, width: numbers[0], height: numbers[1],
                     displayWidth: numbers[2], displayHeight: numbers[3], bitDepth: numbers[4],
                     hasAlpha: numbers[5] == 1, pages: numbers[6], rotation: numbers[7],
                     refusal: expect.hasPrefix("refuse:") ? String(expect.dropFirst("refuse:".count)) : nil,
                     pixelFormat: fields[11] == "-" ? nil : fields[11])
    }
}

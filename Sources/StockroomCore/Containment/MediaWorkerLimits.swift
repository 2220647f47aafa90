import Foundation
import StockroomMedia

/// What a media worker may use, and how much the supervisor accepts back from it.
public struct MediaWorkerLimits: Sendable, Equatable {
    /// The worker's address-space cap (RLIMIT_AS). A file needing more fails with that reason;
    /// the service never meets the kernel's out-of-memory killer on its account.
    public var memoryBytes: UInt64
    /// Rendered images up to this size come back inside the reply; larger ones as scratch files.
    public var inlineByteLimit: Int
    /// The largest output file a worker may leave in a scratch directory.
    public var outputFileBytes: Int
    public var frameCaps: MediaWorkerFrame.Caps
    /// How long a fresh worker has to say hello.
    public var startupSeconds: Double

    public static let defaultMemoryBytes: UInt64 = 2 << 30
    /// `STOCKROOM_WORKER_MEMORY`, e.g. `2GiB`, `768MiB`, or bytes.
    public static let memoryEnvironmentKey = "STOCKROOM_WORKER_MEMORY"

    public init(memoryBytes: UInt64 = MediaWorkerLimits.defaultMemoryBytes, inlineByteLimit: Int = 8 << 20,
                outputFileBytes: Int = 4 << 30, frameCaps: MediaWorkerFrame.Caps = MediaWorkerFrame.Caps(),
                startupSeconds: Double = 30) {
        self.memoryBytes = memoryBytes
        self.inlineByteLimit = inlineByteLimit
        self.outputFileBytes = outputFileBytes
        self.frameCaps = frameCaps
        self.startupSeconds = startupSeconds
    }

    /// The memory cap given on the command line, else `STOCKROOM_WORKER_MEMORY`, else 2 GiB.
    public static func resolved(memory explicit: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError) -> MediaWorkerLimits {
        guard let text = explicit ?? environment[memoryEnvironmentKey], !text.isEmpty else { return MediaWorkerLimits() }
        guard let bytes = parseByteCount(text), bytes >= 64 << 20 else {
            throw .invalidArgument("worker memory \"\(text)\" is not a size of at least 64 MiB (e.g. 2GiB, 768MiB)")
        }
        return MediaWorkerLimits(memoryBytes: bytes)
    }

    /// "2GiB", "2 G", "768MiB", "1.5g", "1048576": k, m, g, t (with or without "i"/"b") are powers of 1024.
    public static func parseByteCount(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        var unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let number = Double(digits), number > 0 else { return nil }
        if unit.hasSuffix("b") { unit.removeLast() }
        if unit.hasSuffix("i") { unit.removeLast() }
        let scale: Double
        switch unit {
        case "": scale = 1
        case "k": scale = Double(1 << 10)
        case "m": scale = Double(1 << 20)
        case "g": scale = Double(1 << 30)
        case "t": scale = Double(1 << 40)
        default: return nil
        }
        let bytes = number * scale
        guard bytes < Double(UInt64.max / 2) else { return nil }
        return UInt64(bytes)
    }

    /// "2 GiB", "768 MiB", "1.5 GiB".
    public static func text(bytes: UInt64) -> String {
        let units: [(String, Double)] = [("TiB", Double(1 << 40)), ("GiB", Double(1 << 30)), ("MiB", Double(1 << 20)), ("KiB", 1024)]
        for (name, size) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) \(name)" : "\(rounded) \(name)"
        }
        return "\(bytes) bytes"
    }

    /// The supervisor's wall-clock limit for one request: the engine's own time limit (which it
    /// enforces between steps) plus a margin, after which the worker is presumed hung and killed.
    static func wallClockSeconds(_ configuration: MediaEngineConfiguration) -> Double {
        let limit = configuration.timeLimitSeconds.isFinite ? max(0, configuration.timeLimitSeconds) : 86_400
        return limit + min(max(2, limit * 0.1), 30)
    }

    /// The CPU-time backstop for one request: the wall-clock limit for every thread libvips may
    /// run, plus slack. Only reached if the supervisor's own timer failed.
    static func cpuSeconds(_ configuration: MediaEngineConfiguration) -> Int {
        let threads = Double(max(1, configuration.vipsConcurrency) + 1)
        return Int((wallClockSeconds(configuration) * threads).rounded(.up)) + 10
    }
}

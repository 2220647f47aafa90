/// Errors from the C media libraries, mapped at the C → Swift boundary.
public enum MediaError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// Not a format Stockroom accepts (or a loader on the blocklist).
    case unsupportedFormat(String)
    /// Recognised but damaged: truncated, invalid structure.
    case corrupt(String)
    /// Width × height × pages over the configured pixel limit (decompression bomb guard).
    case tooManyPixels(width: Int, height: Int, pages: Int, limit: Int)
    /// Processing exceeded the per-file time limit.
    case timedOut(seconds: Double)
    /// Nothing visual to render (an audio file without cover art).
    case noVisualContent(String)
    /// libvips reported an error.
    case vips(String)
    /// libavformat/libavcodec reported an error.
    case av(String)
    case io(String)
    /// The media worker process that did the work died, hung or broke the protocol (see
    /// Docs/architecture.md, "Containment"); the text says what happened in words a person reads.
    case workerFailed(String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(m): return "unsupported format: \(m)"
        case let .corrupt(m): return "corrupt file: \(m)"
        case let .tooManyPixels(w, h, p, limit):
            return "image of \(w)×\(h)\(p > 1 ? "×\(p) pages" : "") exceeds the pixel limit of \(limit) (decompression bomb guard)"
        case let .timedOut(s): return "processing exceeded the time limit of \(Int(s)) s"
        case let .noVisualContent(m): return "nothing to render: \(m)"
        case let .vips(m): return "libvips: \(m)"
        case let .av(m): return "libav: \(m)"
        case let .io(m): return "I/O: \(m)"
        case let .workerFailed(m): return m
        }
    }
}

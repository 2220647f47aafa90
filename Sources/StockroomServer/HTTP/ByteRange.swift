/// A single byte range of a `Range: bytes=…` header, resolved against the file size.
struct ByteRange: Equatable {
    let start: Int64
    let end: Int64  // inclusive
    var count: Int64 { end - start + 1 }

    enum Parsed: Equatable {
        /// No usable Range header (absent, not `bytes`, or several ranges): serve the whole file.
        case whole
        case partial(ByteRange)
        case unsatisfiable
    }

    /// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`.
    static func parse(_ header: String?, size: Int64) -> Parsed {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(",") else { return .whole }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix >= 0 else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(ByteRange(start: max(0, size - suffix), end: size - 1))
        }
        guard let start = Int64(parts[0]), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if parts[1].isEmpty { return .partial(ByteRange(start: start, end: size - 1)) }
        guard let end = Int64(parts[1]), end >= start else { return .whole }
        return .partial(ByteRange(start: start, end: min(end, size - 1)))
    }
}

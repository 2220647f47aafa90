import Foundation

/// A failure's text as people read it: one line with the first cause, then how many more
/// messages the libraries gave ("(+312 more warnings)"). The full text is kept beside it in
/// the failure row and in a quarantined file's `NAME.error.json`.
public struct FailureReason: Sendable, Equatable {
    /// One line, at most `maximumLength` characters.
    public let summary: String
    /// The full text, when it says more than `summary`.
    public let details: String?

    public static let maximumLength = 300

    public init(_ text: String) {
        let lines = Self.messages(in: text)
        guard let lead = lines.first else {
            summary = "unknown reason"
            details = nil
            return
        }
        // Libraries often warn before they fail; the failure is the cause worth a line.
        var cause = lead
        if Self.isWarning(lead), let error = lines.dropFirst().first(where: { !Self.isWarning($0) }) {
            cause = Self.context(of: lead) + error
        }
        var line = Self.clipped(cause)
        if lines.count > 1 {
            let more = lines.count - 1
            line += " (+\(more) more \(more == 1 ? "warning" : "warnings"))"
        }
        summary = line
        details = line == text ? nil : text
    }

    /// The separate messages of a text: its lines, and the "; "-joined messages libvips' error
    /// buffer holds ("module: message; module: message"). A piece that does not start with a
    /// module name ("tag ignored") belongs to the message before it.
    static func messages(in text: String) -> [String] {
        var messages: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var current: String?
            for piece in line.components(separatedBy: "; ") {
                let trimmed = piece.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }
                if let open = current, !startsWithModule(trimmed) {
                    current = open + "; " + trimmed
                } else {
                    if let open = current { messages.append(open) }
                    current = trimmed
                }
            }
            if let open = current { messages.append(open) }
        }
        return messages
    }

    /// "tiff2vips: read error", "TIFFFillStrip: Seek error…", "a.tif: bad seek…".
    private static func startsWithModule(_ piece: String) -> Bool {
        guard let colon = piece.range(of: ": ") else { return false }
        let module = piece[..<colon.lowerBound]
        return !module.isEmpty && module.count <= 200 && !module.contains(" ")
    }

    private static func isWarning(_ line: String) -> Bool {
        line.range(of: "warning", options: .caseInsensitive) != nil
    }

    /// What Stockroom said before the library's first message ("corrupt file: cannot decode the
    /// tiff image: "), so a later library line can stand in its place.
    private static func context(of lead: String) -> String {
        guard let warning = lead.range(of: "warning", options: .caseInsensitive) else { return "" }
        var parts = lead[..<warning.lowerBound].components(separatedBy: ": ")
        // The library's own module name ("TIFFReadDirectory") sits just before its warning.
        if parts.count > 1 { parts.removeLast(2) }
        let joined = parts.joined(separator: ": ")
        return joined.trimmingCharacters(in: .whitespaces).isEmpty ? "" : joined + ": "
    }

    private static func clipped(_ line: String) -> String {
        line.count <= maximumLength ? line : String(line.prefix(maximumLength - 1)) + "…"
    }
}

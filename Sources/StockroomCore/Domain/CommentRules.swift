import Foundation

/// What a comment may contain, for staff and clients alike: its text, the name shown with it,
/// and an annotation that fits the asset (a point or rectangle on something with a picture, a
/// time within the duration of a video or audio file).
public enum CommentRules {
    public static let maxContentCharacters = 5_000
    public static let maxNameCharacters = 80
    public static let maxNoteCharacters = 2_000

    /// The comment text, trimmed: not empty, at most `maxContentCharacters`, no control
    /// characters but line breaks and tabs.
    public static func content(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidArgument("content: a comment needs some text") }
        guard trimmed.count <= maxContentCharacters else {
            throw .invalidArgument("content: a comment is at most \(maxContentCharacters) characters (this one has \(trimmed.count))")
        }
        guard !containsControl(trimmed, allowingLineBreaks: true) else {
            throw .invalidArgument("content: control characters are not allowed")
        }
        return trimmed
    }

    /// A person's name as shown with their comments and decisions: 1 to `maxNameCharacters`
    /// characters on one line.
    public static func name(_ text: String?, field: String = "authorName") throws(DomainError) -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidArgument("\(field): say who you are (a name of 1 to \(maxNameCharacters) characters)") }
        guard trimmed.count <= maxNameCharacters else {
            throw .invalidArgument("\(field): a name is at most \(maxNameCharacters) characters")
        }
        guard !containsControl(trimmed, allowingLineBreaks: false) else {
            throw .invalidArgument("\(field): a name is one line without control characters")
        }
        return trimmed
    }

    /// An optional note with a decision: trimmed, empty means none, at most `maxNoteCharacters`.
    public static func note(_ text: String?) throws(DomainError) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maxNoteCharacters else { throw .invalidArgument("note: at most \(maxNoteCharacters) characters") }
        guard !containsControl(trimmed, allowingLineBreaks: true) else { throw .invalidArgument("note: control characters are not allowed") }
        return trimmed
    }

    /// Checks an annotation against the asset it is placed on. Coordinates are fractions of the
    /// picture's width and height (0…1) and a rectangle lies within it; a timestamp is seconds
    /// from the start, within the asset's duration. Points and rectangles need a picture (not
    /// audio); timestamps need a duration (video and audio).
    public static func validate(_ annotation: Annotation?, for asset: Asset) throws(DomainError) {
        guard let annotation else { return }
        let unit = 0.0...1.0
        let family = asset.assetType.family
        switch annotation {
        case let .point(x, y):
            guard family != "audio" else { throw .invalidArgument("annotation: an audio file has no picture to point at; use a timestamp") }
            guard x.isFinite, y.isFinite, unit.contains(x), unit.contains(y) else {
                throw .invalidArgument("annotation: point coordinates x and y are fractions between 0 and 1")
            }
        case let .rect(x, y, w, h):
            guard family != "audio" else { throw .invalidArgument("annotation: an audio file has no picture to mark; use a timestamp") }
            guard [x, y, w, h].allSatisfy(\.isFinite), unit.contains(x), unit.contains(y), w > 0, h > 0,
                  x + w <= 1.000001, y + h <= 1.000001 else {
                throw .invalidArgument("annotation: a rect lies within the picture: x, y, width, height are fractions, width and height above 0, x+width and y+height at most 1")
            }
        case let .timestamp(time):
            guard family == "video" || family == "audio" else {
                throw .invalidArgument("annotation: a timestamp needs a video or audio file; this asset is \(family == "image" ? "an image" : "a \(family) file")")
            }
            guard time.isFinite, time >= 0 else { throw .invalidArgument("annotation: a timestamp is seconds from the start, 0 or more") }
            guard let duration = asset.durationSeconds, duration > 0 else {
                throw .invalidArgument("annotation: the duration of this file is not known, so a timestamp cannot be checked")
            }
            guard time <= duration + 0.001 else {
                throw .invalidArgument("annotation: time \(format(time)) s is past the end of the file (\(format(duration)) s)")
            }
        }
    }

    private static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    static func containsControl(_ text: String, allowingLineBreaks: Bool) -> Bool {
        text.unicodeScalars.contains { scalar in
            if allowingLineBreaks, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
            return scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format && scalar.value == 0x202E
        }
    }
}

import Foundation

/// Parses expiry arguments: a duration from now (`30m`, `12h`, `7d`, `2w`) or a date (`2026-12-31`,
/// meaning the end of that day in UTC) or a full ISO-8601 timestamp.
public enum ShareExpiry {
    public static func parse(_ text: String, now: Date = Date()) throws(DomainError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount > 0 {
            let seconds: Double? = switch unit {
            case "m": 60
            case "h": 3_600
            case "d": 86_400
            case "w": 604_800
            default: nil
            }
            if let seconds { return now.addingTimeInterval(Double(amount) * seconds) }
        }
        if let timestamp = ISO8601DateFormatter().date(from: text) { return timestamp }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date.addingTimeInterval(86_400 - 1) }
        throw .invalidArgument("cannot read expiry \"\(text)\": use a duration like 7d, 12h, 30m, 2w or a date like 2026-12-31")
    }
}

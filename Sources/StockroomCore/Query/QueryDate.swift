import Foundation

/// A date operand: a calendar day (`2026-12-31`, the whole UTC day), an instant
/// (`2026-12-31T08:00:00Z`), or an offset from now (`30d`, `12h`, `2w`), resolved when the
/// query runs so that a saved query keeps meaning "the next 30 days".
public enum QueryDate: Equatable, Sendable {
    case day(year: Int, month: Int, day: Int)
    case instant(Date)
    /// Seconds from now; the sign is chosen by the field (ahead for `expires:`, back for `captured:`).
    case offset(seconds: TimeInterval)

    static func parse(_ text: String) -> QueryDate? {
        if let offset = RelativeDuration.seconds(text) { return .offset(seconds: offset) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
           (1...12).contains(m), (1...31).contains(d) {
            var components = DateComponents()
            components.year = y
            components.month = m
            components.day = d
            guard let date = utcCalendar.date(from: components),
                  utcCalendar.component(.day, from: date) == d else { return nil }
            return .day(year: y, month: m, day: d)
        }
        let formatter = ISO8601DateFormatter()
        if let instant = formatter.date(from: text) { return .instant(instant) }
        return nil
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The half-open interval `[start, end)` this operand stands for; `start == end` for instants.
    /// `direction` is +1 for offsets into the future, -1 into the past.
    func interval(now: Date, direction: Double) -> (start: Date, end: Date) {
        switch self {
        case let .day(y, m, d):
            var components = DateComponents()
            components.year = y
            components.month = m
            components.day = d
            let start = Self.utcCalendar.date(from: components)!
            return (start, start.addingTimeInterval(86_400))
        case let .instant(date):
            return (date, date)
        case let .offset(seconds):
            let point = now.addingTimeInterval(direction * seconds)
            return (point, point)
        }
    }
}

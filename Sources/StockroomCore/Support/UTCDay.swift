import Foundation

/// The UTC calendar day of an instant, printed `YYYY-MM-DD`. Computed arithmetically (days from
/// the civil calendar) because reports format tens of thousands of dates and date formatters
/// are slow at that rate.
public struct UTCDay: CustomStringConvertible, Equatable, Sendable {
    public let year: Int, month: Int, day: Int

    public init(_ date: Date) {
        self.init(daysSince1970: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The day `days` after 1970-01-01 (proleptic Gregorian; Howard Hinnant's days-to-civil algorithm).
    init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : String(month), d = day < 10 ? "0\(day)" : String(day)
        return "\(y)-\(m)-\(d)"
    }
}

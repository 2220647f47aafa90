import Foundation

/// EXIF date strings ("2024:06:01 14:03:22", offset "+02:00") as instants.
enum ExifDate {
    /// The instant of a local EXIF time with its offset; read as UTC when there is no offset.
    static func instant(_ dateTime: String, offset: String?) -> Date? {
        let digits = dateTime.split(whereSeparator: { ":- T".contains($0) }).compactMap { Int($0) }
        guard digits.count >= 6, (1...9999).contains(digits[0]), (1...12).contains(digits[1]), (1...31).contains(digits[2]),
              (0...23).contains(digits[3]), (0...59).contains(digits[4]), (0...60).contains(digits[5]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: digits[0], month: digits[1], day: digits[2],
                                        hour: digits[3], minute: digits[4], second: digits[5])
        guard let utc = calendar.date(from: components) else { return nil }
        return utc.addingTimeInterval(-Double(offsetSeconds(offset) ?? 0))
    }

    /// "+02:00" → 7200, "-05:30" → -19800, "Z" → 0.
    static func offsetSeconds(_ offset: String?) -> Int? {
        guard let offset = offset?.trimmingCharacters(in: .whitespaces), !offset.isEmpty else { return nil }
        if offset == "Z" { return 0 }
        guard let sign = offset.first, sign == "+" || sign == "-" else { return nil }
        let parts = offset.dropFirst().split(separator: ":").compactMap { Int($0) }
        guard let hours = parts.first, (0...14).contains(hours) else { return nil }
        let minutes = parts.count > 1 ? parts[1] : 0
        // Unchecked, "+01:9223372036854775807" overflowed the multiplication below and trapped.
        guard (0...59).contains(minutes) else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == "-" ? -seconds : seconds
    }
}

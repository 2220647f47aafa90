import Foundation

/// Durations written as a whole number and a unit: `12h`, `30d`, `2w`, `1y` (365 days).
public enum RelativeDuration {
    public static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Double(digits) else { return nil }
        switch unit {
        case "h": return amount * 3600
        case "d": return amount * 86_400
        case "w": return amount * 7 * 86_400
        case "y": return amount * 365 * 86_400
        default: return nil
        }
    }
}

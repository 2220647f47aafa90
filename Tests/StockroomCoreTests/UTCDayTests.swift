import Foundation
import Testing
@testable import StockroomCore

@Suite("UTC day formatting")
struct UTCDayTests {
    @Test("matches the ISO-8601 formatter across eras, leap days and day boundaries")
    func matchesFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        var instant = ISO8601DateFormatter().date(from: "1899-12-31T23:59:59Z")!
        let end = ISO8601DateFormatter().date(from: "2101-03-01T00:00:00Z")!
        while instant < end {
            #expect(UTCDay(instant).description == formatter.string(from: instant))
            instant.addTimeInterval(86_400 * 7 + 3_599)
        }
        #expect(UTCDay(ISO8601DateFormatter().date(from: "2024-02-29T23:59:59Z")!).description == "2024-02-29")
        #expect(UTCDay(ISO8601DateFormatter().date(from: "2026-12-31T00:00:00Z")!).description == "2026-12-31")
    }
}

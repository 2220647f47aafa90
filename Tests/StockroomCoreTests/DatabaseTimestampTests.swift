import Foundation
import GRDB
import Testing
@testable import StockroomCore

/// The access log writes its dates without GRDB's `DateFormatter`; the text must be the one GRDB
/// writes (and so reads back).
@Suite("Database timestamps")
struct DatabaseTimestampTests {
    @Test func theTextIsGRDBsTextForDatesAcrossTheCalendar() throws {
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 951_782_400.999),
                     Date(timeIntervalSince1970: 4_107_542_399.9994), Date(timeIntervalSince1970: -2_208_988_800.25), Date()]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -3e9...5e9, using: &generator))) }
        for date in dates {
            let grdb = try #require(String.fromDatabaseValue(date.databaseValue))
            #expect(DatabaseTimestamp.text(date) == grdb, "\(date.timeIntervalSince1970)")
        }
    }
}

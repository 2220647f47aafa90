import Foundation

/// Domain structs to and from PostgreSQL rows, through their `Codable` conformance (the same one
/// GRDB uses for the SQLite tables).
///
/// A struct is encoded to a JSON object whose top-level keys become snake_case column names and
/// is written with `json_populate_record`; a row is read as `row_to_json(t)` and its top-level
/// keys turned back into camelCase. Only the top level is renamed: JSONB documents inside
/// (metadata, settings, payloads) keep their keys as written. Dates travel as ISO 8601 with
/// microseconds (PostgreSQL's precision), in UTC.
enum PostgresRecordCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a PostgreSQL timestamp: \(text)")
            }
            return date
        }
        return decoder
    }()

    /// The row JSON of `value` (snake_case keys).
    static func json<T: Encodable>(_ value: T) throws(DomainError) -> String {
        do {
            let data = try encoder.encode(value)
            return renamingTopLevelKeys(String(decoding: data, as: UTF8.self), SQLDialect.snakeCase)
        } catch {
            throw .invalidArgument("cannot store \(T.self): \(error)")
        }
    }

    /// A value from its row JSON (`row_to_json`).
    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws(DomainError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(renamingTopLevelKeys(json, SQLDialect.camelCase).utf8))
        } catch {
            throw .storage("PostgreSQL: unreadable \(T.self) row: \(error)")
        }
    }

    /// `2026-06-15T12:00:00.123456Z`, rounded to the microsecond.
    static func timestamp(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = (micros / 1_000_000).rounded(.down)
        let fraction = Int(micros - seconds * 1_000_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, fraction)
    }

    /// Parses what `row_to_json` writes for TIMESTAMPTZ: `2026-06-15T12:00:00.123456+00:00`
    /// (fraction optional, offset `+HH`, `+HH:MM` or `Z`).
    static func parseTimestamp(_ text: String) -> Date? {
        let u = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard (48...57).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < u.count, (48...57).contains(u[i]) {
                fraction += Double(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(i + 1, 2) else { return nil }
            var minutes = 0
            if i + 3 < u.count, u[i + 3] == UInt8(ascii: ":") { minutes = number(i + 4, 2) ?? 0 }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let base = calendar.date(from: components) else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// `json` with the keys of its outermost object passed through `rename`; nested objects,
    /// arrays and strings are copied as they are.
    static func renamingTopLevelKeys(_ json: String, _ rename: (String) -> String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count + 32)
        var depth = 0
        var expectingKey = false
        var index = json.startIndex
        while index < json.endIndex {
            let c = json[index]
            if c == "\"" {
                // A whole string literal, escapes included.
                var end = json.index(after: index)
                while end < json.endIndex, json[end] != "\"" {
                    if json[end] == "\\" { end = json.index(after: end) }
                    if end < json.endIndex { end = json.index(after: end) }
                }
                let literal = json[index..<min(json.index(after: end), json.endIndex)]
                if depth == 1 && expectingKey {
                    out += "\"" + rename(String(literal.dropFirst().dropLast())) + "\""
                    expectingKey = false
                } else {
                    out += literal
                }
                index = min(json.index(after: end), json.endIndex)
                continue
            }
            switch c {
            case "{", "[":
                depth += 1
                expectingKey = depth == 1 && c == "{"
            case "}", "]":
                depth -= 1
            case ",":
                if depth == 1 { expectingKey = true }
            default:
                break
            }
            out.append(c)
            index = json.index(after: index)
        }
        return out
    }
}

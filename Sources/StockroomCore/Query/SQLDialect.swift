import Foundation

/// The two SQL dialects the catalog speaks. The query compiler writes its SQL once, in the
/// SQLite catalog's camelCase column names, and asks the dialect for the few spellings that
/// differ; `identifiers(in:)` then maps the column names to PostgreSQL's snake_case.
public enum SQLDialect: Sendable, Equatable {
    case sqlite
    case postgresql

    /// Case-insensitive `LIKE` (SQLite's `LIKE` already is, for ASCII).
    var like: String { self == .sqlite ? "LIKE" : "ILIKE" }

    /// Whether `haystack` contains `needle`, both already lower-cased by the caller.
    func contains(_ haystack: String, _ needle: String = "?") -> String {
        self == .sqlite ? "instr(\(haystack), \(needle)) > 0" : "strpos(\(haystack), \(needle)) > 0"
    }

    /// An expression in an order that ignores case.
    func caseless(_ expression: String) -> String {
        self == .sqlite ? "\(expression) COLLATE NOCASE" : "lower(\(expression))"
    }

    /// `ORDER BY` direction with SQLite's NULL placement (NULLs first ascending), so both
    /// catalogs page results the same way.
    func direction(descending: Bool) -> String {
        switch self {
        case .sqlite: descending ? " DESC" : ""
        case .postgresql: descending ? " DESC NULLS LAST" : " NULLS FIRST"
        }
    }

    /// The SQL with camelCase identifiers (`asset.organizationId`) in this dialect's spelling
    /// (`asset.organization_id`). Only SQL text written by Stockroom passes through here: user
    /// values are always bound, never part of the text. Keywords are upper case and functions
    /// lower case, so neither is touched.
    func identifiers(in sql: String) -> String {
        guard self == .postgresql else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var word = ""
        var inQuote = false
        func flush() {
            if !word.isEmpty {
                out += word.first!.isLowercase ? Self.snakeCase(word) : word
                word = ""
            }
        }
        for c in sql {
            if inQuote {
                out.append(c)
                if c == "'" { inQuote = false }
                continue
            }
            if c == "'" {
                flush()
                inQuote = true
                out.append(c)
            } else if c.isLetter || c.isNumber || c == "_" {
                word.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }

    /// `organizationId` → `organization_id`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase {
                out.append("_")
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `organization_id` → `organizationId`.
    static func camelCase(_ name: String) -> String {
        var out = ""
        var upper = false
        for c in name {
            if c == "_" {
                upper = true
            } else if upper {
                out += c.uppercased()
                upper = false
            } else {
                out.append(c)
            }
        }
        return out
    }
}

import Foundation

/// Compiles smart-collection rules to a parameterized SQL condition on `asset`, in either dialect.
enum SmartRulesSQL {
    static func condition(for rules: SmartRules, dialect: SQLDialect = .sqlite) throws(DomainError) -> SQLFragment {
        var sql: [String] = []
        var values: [SQLValue] = []
        for condition in rules.conditions {
            let part = try compile(condition, dialect)
            sql.append(part.sql)
            values += part.arguments
        }
        return SQLFragment(sql: dialect.identifiers(in: "(\(sql.joined(separator: rules.match == .all ? " AND " : " OR ")))"), values: values)
    }

    private static func compile(_ condition: SmartRules.Condition, _ dialect: SQLDialect) throws(DomainError) -> SQLFragment {
        let value = condition.value
        switch condition.field {
        case .assetType: return try membership("asset.assetType", condition, normalize: { $0.uppercased() })
        case .status: return try membership("asset.status", condition, normalize: { $0.uppercased() })
        case .license:
            return try membership("asset.license", condition, normalize: { $0.uppercased().replacingOccurrences(of: "-", with: "_") })
        case .libraryId:
            let ids = try values(of: value).map { text throws(DomainError) -> Int64 in
                guard let id = Int64(text) else { throw .invalidArgument("libraryId takes numeric ids, not \"\(text)\"") }
                return id
            }
            return SQLFragment("asset.libraryId IN (\(SQLFragment.placeholders(ids.count)))", ids)
        case .tags:
            let tags = try values(of: value).map(Tag.normalize)
            return SQLFragment("""
            EXISTS (SELECT 1 FROM asset_tag JOIN tag ON tag.id = asset_tag.tagId
                    WHERE asset_tag.assetId = asset.id AND tag.normalized IN (\(SQLFragment.placeholders(tags.count))))
            """, tags)
        case .folderPath:
            let path = try FolderPath(parsing: try single(value)).description
            if condition.`operator` == .equals {
                return SQLFragment("asset.folderId IN (SELECT id FROM folder WHERE path = ?)", [path])
            }
            // The subtree as a byte range ("/" + 1 is "0"): one index range in both dialects.
            return SQLFragment("asset.folderId IN (SELECT id FROM folder WHERE path = ? OR (path >= ? AND path < ?))",
                               [path, path + "/", path + "0"])
        case .name:
            let text = try single(value)
            if condition.`operator` == .equals {
                return dialect == .sqlite ? SQLFragment("asset.name = ? COLLATE NOCASE", [text])
                    : SQLFragment("lower(asset.name) = lower(?)", [text])
            }
            return SQLFragment(dialect.contains("lower(asset.name)"), [text.lowercased()])
        case .createdAt, .capturedAt:
            let column = condition.field == .createdAt ? "asset.createdAt" : "asset.capturedAt"
            let text = try single(value)
            guard let date = SmartRules.date(from: text) else {
                throw .invalidArgument("\(condition.field.rawValue) needs a date like 2024-01-01, not \"\(text)\"")
            }
            switch condition.`operator` {
            case .after, .gt: return SQLFragment("\(column) > ?", [date])
            case .before, .lt: return SQLFragment("\(column) < ?", [date])
            default:
                // A date equals a day: the whole UTC day.
                return SQLFragment("(\(column) >= ? AND \(column) < ?)", [date, date.addingTimeInterval(86_400)])
            }
        }
    }

    private static func membership(_ column: String, _ condition: SmartRules.Condition,
                                   normalize: (String) -> String) throws(DomainError) -> SQLFragment {
        let values = try values(of: condition.value).map(normalize)
        return SQLFragment("\(column) IN (\(SQLFragment.placeholders(values.count)))", values)
    }

    private static func single(_ value: JSONValue) throws(DomainError) -> String {
        switch value {
        case let .string(s): return s
        case let .number(n): return n.rounded() == n ? String(Int64(n)) : String(n)
        case let .bool(b): return String(b)
        default: throw .invalidArgument("expected a single value, got \(value)")
        }
    }

    private static func values(of value: JSONValue) throws(DomainError) -> [String] {
        if case let .array(items) = value {
            var out: [String] = []
            for item in items { out.append(try single(item)) }
            return out
        }
        return [try single(value)]
    }
}

import Foundation

/// Membership rules of a SMART collection, in the DAM spec's shape:
/// `{"conditions": [{"field": "tags", "operator": "contains", "value": "summer"}], "match": "all"}`.
public struct SmartRules: Codable, Sendable, Equatable {
    public enum Match: String, Codable, Sendable { case all, any }

    public enum Field: String, Codable, Sendable, CaseIterable {
        case assetType, tags, status, license, libraryId, folderPath, createdAt, capturedAt, name
    }

    public enum Operator: String, Codable, Sendable, CaseIterable {
        case equals, `in`, contains, after, before, gt, lt
    }

    public struct Condition: Codable, Sendable, Equatable {
        public var field: Field
        public var `operator`: Operator
        public var value: JSONValue

        public init(field: Field, operator: Operator, value: JSONValue) {
            self.field = field
            self.operator = `operator`
            self.value = value
        }
    }

    public var conditions: [Condition]
    public var match: Match

    public init(conditions: [Condition], match: Match = .all) {
        self.conditions = conditions
        self.match = match
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        conditions = try c.decode([Condition].self, forKey: .conditions)
        match = try c.decodeIfPresent(Match.self, forKey: .match) ?? .all
    }

    /// Parses rules from JSON text, with a message a user can act on.
    public static func parse(_ json: String) throws(DomainError) -> SmartRules {
        do {
            let rules = try JSONDecoder.stockroom.decode(SmartRules.self, from: Data(json.utf8))
            try rules.validate()
            return rules
        } catch let error as DomainError {
            throw error
        } catch {
            let fields = Field.allCases.map(\.rawValue).joined(separator: ", ")
            let ops = Operator.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidArgument("smart rules are not valid JSON of the form {\"conditions\": [{\"field\", \"operator\", \"value\"}], \"match\": \"all\"|\"any\"} (fields: \(fields); operators: \(ops))")
        }
    }

    /// Checks every condition pairs a field with an operator and a value it supports.
    public func validate() throws(DomainError) {
        guard !conditions.isEmpty else { throw .invalidArgument("smart rules need at least one condition") }
        for condition in conditions {
            let allowed = Self.operators(for: condition.field)
            guard allowed.contains(condition.`operator`) else {
                throw .invalidArgument("field \(condition.field.rawValue) supports \(allowed.map(\.rawValue).joined(separator: ", ")), not \(condition.`operator`.rawValue)")
            }
            switch condition.`operator` {
            case .in:
                guard case let .array(values) = condition.value, !values.isEmpty else {
                    throw .invalidArgument("operator in on \(condition.field.rawValue) needs a non-empty array value")
                }
            case .after, .before:
                guard let text = condition.value.stringValue, SmartRules.date(from: text) != nil else {
                    throw .invalidArgument("\(condition.field.rawValue) \(condition.`operator`.rawValue) needs a date like 2024-01-01")
                }
            default:
                if case .array = condition.value { throw .invalidArgument("operator \(condition.`operator`.rawValue) takes a single value, not an array") }
                if case .object = condition.value { throw .invalidArgument("operator \(condition.`operator`.rawValue) takes a single value, not an object") }
            }
        }
    }

    static func operators(for field: Field) -> [Operator] {
        switch field {
        case .assetType, .status, .license, .libraryId: return [.equals, .in]
        case .tags: return [.contains, .equals, .in]
        case .folderPath: return [.equals, .contains]
        case .createdAt, .capturedAt: return [.after, .before, .gt, .lt, .equals]
        case .name: return [.equals, .contains]
        }
    }

    /// Accepts `2024-01-01` and full ISO-8601 timestamps.
    static func date(from text: String) -> Date? {
        if let full = ISO8601DateFormatter().date(from: text) { return full }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }
}

import Foundation
import StockroomCore

/// A one-line reason a JSON body did not decode, naming the field and what it should be, in the
/// API's own terms (never a Swift type name).
enum DecodingErrorMessage {
    /// The values each enum-valued field accepts, for messages.
    static let allowedValues: [String: [String]] = [
        "status": AssetStatus.allCases.map(\.rawValue),
        "license": LicenseType.allCases.map(\.rawValue),
        "type": CollectionType.allCases.map(\.rawValue),
        "accessLevel": ShareAccessLevel.allCases.map(\.rawValue),
    ]
    /// Fields whose last key alone is ambiguous, by their whole path.
    static let allowedValuesByPath: [String: [String]] = [
        "annotation.type": ["point", "rect", "timestamp"],
    ]

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])) is required"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "\(path(context.codingPath)) must be \(kind(of: type))"
        case let .dataCorrupted(context):
            guard let last = context.codingPath.last else { return "the body is not valid JSON" }
            if let allowed = allowedValuesByPath[path(context.codingPath)] ?? allowedValues[last.stringValue] {
                return "\(path(context.codingPath)) must be one of \(allowed.joined(separator: ", "))"
            }
            return "\(path(context.codingPath)) has a value that is not allowed"
        @unknown default:
            return "the body is not valid JSON of the expected shape"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the body" }
        var out = ""
        for key in keys {
            if let index = key.intValue { out += "[\(index)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Date.Type: return "an ISO-8601 date-time string"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            if name.hasPrefix("Dictionary") || name.contains(":") { return "an object" }
            return "a value of another kind"
        }
    }
}

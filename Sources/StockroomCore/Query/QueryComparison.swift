/// The operator in front of a value: `width:>=3000`, `expires:<30d`; `=` when none is written.
public enum QueryComparison: String, Equatable, Sendable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "="

    /// Splits `">=3000"` into `(.greaterOrEqual, "3000")`.
    static func split(_ text: String) -> (QueryComparison, String) {
        for op in [QueryComparison.lessOrEqual, .greaterOrEqual, .less, .greater, .equal] where text.hasPrefix(op.rawValue) {
            return (op, String(text.dropFirst(op.rawValue.count)))
        }
        return (.equal, text)
    }
}

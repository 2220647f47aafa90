/// Builds LIKE patterns (with `ESCAPE '\'`) from user text, so `%` and `_` typed by a user
/// match themselves.
enum LikePattern {
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "\\" || c == "%" || c == "_" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// `text` anywhere.
    static func containing(_ text: String) -> String { "%" + escape(text) + "%" }

    /// A glob: `*` any run of characters, `?` one character, everything else literal.
    static func glob(_ glob: String) -> String {
        var out = ""
        for c in glob {
            switch c {
            case "*": out.append("%")
            case "?": out.append("_")
            default: out += escape(String(c))
            }
        }
        return out
    }
}

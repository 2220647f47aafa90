import Foundation

/// URL- and path-safe identifiers made from display names: "Brand Assets" → "brand-assets".
public enum Slug {
    public static func make(from text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var out = ""
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else if scalar == "." || scalar == "_" {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                if !out.isEmpty { out.unicodeScalars.append(scalar) }
            } else {
                pendingDash = true
            }
        }
        while out.hasSuffix(".") || out.hasSuffix("_") { out.removeLast() }
        return out.lowercased()
    }

    /// Whether `text` is already a valid slug (what `make` would produce from it).
    public static func isValid(_ text: String) -> Bool { !text.isEmpty && make(from: text) == text }
}

/// Turns `field:value` into a typed `QueryTerm`, rejecting unknown fields and malformed values
/// with the column of the term.
enum QueryTermReader {
    static let fields = ["tag", "type", "folder", "library", "name", "status", "license", "expires", "captured",
                         "camera", "width", "height", "duration", "copyright", "collection", "text", "pages", "words",
                         "layers", "font"]

    /// `type:` families beyond `AssetType.family`.
    static let typeAliases: [String: [AssetType]] = ["logo": [.imageLogo], "doc": AssetType.allCases.filter { $0.family == "document" }]

    static func term(field: String, value: String, quoted: Bool, column: Int) throws(QuerySyntaxError) -> QueryTerm {
        let shown = quoted ? "\(field):\"\(value)\"" : "\(field):\(value)"
        func fail(_ expected: String) -> QuerySyntaxError {
            QuerySyntaxError(column: column, found: "\"\(shown)\"", expected: expected)
        }
        let key = field.lowercased()
        guard fields.contains(key) else {
            throw QuerySyntaxError(column: column, found: "unknown field \"\(field):\"",
                                   expected: "one of \(fields.map { $0 + ":" }.joined(separator: " ")) (or quote the word)")
        }
        guard !value.isEmpty else { throw fail("a value after \"\(field):\"") }
        switch key {
        case "tag":
            let normalized = Tag.normalize(value)
            guard !normalized.isEmpty else { throw fail("a tag name") }
            return .tag(normalized)
        case "type":
            // `type:document|design|font|logo`: any of several.
            var members: [AssetType] = []
            for alternative in value.split(separator: "|", omittingEmptySubsequences: false) {
                let name = String(alternative)
                let found: [AssetType]
                if let exact = AssetType(rawValue: name.uppercased()) {
                    found = [exact]
                } else if let alias = typeAliases[name.lowercased()] {
                    found = alias
                } else {
                    found = AssetType.allCases.filter { $0.family == name.lowercased() }
                }
                guard !found.isEmpty else {
                    throw fail("a type family (image, video, audio, document, design, 3d, font, logo, other), a type like IMAGE_PHOTO, or several joined by |")
                }
                members += found.filter { !members.contains($0) }
            }
            return .type(members)
        case "folder":
            var path = value
            var subtree = false
            if path.hasSuffix("/**") {
                subtree = true
                path.removeLast(3)
            }
            guard path.hasPrefix("/") || subtree else { throw fail("an absolute folder path such as /campaigns/summer or /campaigns/**") }
            let normalized: String
            do { normalized = try FolderPath(parsing: path).description } catch { throw fail("a folder path without . or .. segments") }
            return .folder(path: normalized, subtree: subtree)
        case "library":
            return .library(slug: value.lowercased())
        case "name":
            return .name(glob: value)
        case "status":
            guard let status = AssetStatus(rawValue: value.uppercased()) else {
                throw fail("a status: \(AssetStatus.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", "))")
            }
            return .status(status)
        case "license":
            if value.lowercased() == "none" { return .license(nil) }
            guard let license = LicenseType(userInput: value) else {
                throw fail("a license type (\(LicenseType.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", "))) or none")
            }
            return .license(license)
        case "expires":
            switch value.lowercased() {
            case "expired": return .expired
            case "none": return .expiresNone
            default:
                let (op, operand) = QueryComparison.split(value)
                guard let date = QueryDate.parse(operand) else {
                    throw fail("expired, none, or a comparison with a date or offset (<30d, <2026-12-31, >=12h)")
                }
                return .expires(op, date)
            }
        case "captured":
            let (op, operand) = QueryComparison.split(value)
            guard let date = QueryDate.parse(operand) else {
                throw fail("a comparison with a date or an age (>=2024-01-01, <2024-06-01T12:00:00Z, >=7d)")
            }
            return .captured(op, date)
        case "camera":
            return .camera(value)
        case "width", "height":
            let (op, operand) = QueryComparison.split(value)
            guard let pixels = Int(operand), pixels >= 0 else { throw fail("a comparison with a whole number of pixels (>=3000)") }
            return key == "width" ? .width(op, pixels) : .height(op, pixels)
        case "duration":
            let (op, operand) = QueryComparison.split(value)
            guard let seconds = Double(operand), seconds >= 0, seconds.isFinite else {
                throw fail("a comparison with a number of seconds (>60, <=2.5)")
            }
            return .duration(op, seconds)
        case "copyright":
            return .copyright(value.lowercased() == "none" && !quoted ? nil : value)
        case "collection":
            return .collection(slug: value.lowercased())
        case "text":
            guard value.contains(where: { $0.isLetter || $0.isNumber }) else { throw fail("words to find (text:\"summer sale\")") }
            return .fullText(value)
        case "pages", "words", "layers":
            let (op, operand) = QueryComparison.split(value)
            guard let count = Int(operand), count >= 0 else { throw fail("a comparison with a whole number (\(key):>10)") }
            switch key {
            case "pages": return .pages(op, count)
            case "words": return .words(op, count)
            default: return .layers(op, count)
            }
        case "font":
            return .font(value)
        default:
            throw fail("a known field")
        }
    }
}

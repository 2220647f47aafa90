import Foundation

/// Which writing systems a set of code points covers: a script is reported when the font maps
/// at least `minimum` characters of its main block (the letters a text in it needs).
enum UnicodeScripts {
    struct Script {
        var name: String
        var range: ClosedRange<UInt32>
        var minimum: Int
    }

    static let all: [Script] = [
        Script(name: "Latin", range: 0x41...0x7A, minimum: 48),
        Script(name: "Greek", range: 0x0370...0x03FF, minimum: 40),
        Script(name: "Cyrillic", range: 0x0400...0x04FF, minimum: 60),
        Script(name: "Armenian", range: 0x0530...0x058F, minimum: 60),
        Script(name: "Hebrew", range: 0x0590...0x05FF, minimum: 27),
        Script(name: "Arabic", range: 0x0600...0x06FF, minimum: 40),
        Script(name: "Devanagari", range: 0x0900...0x097F, minimum: 50),
        Script(name: "Bengali", range: 0x0980...0x09FF, minimum: 50),
        Script(name: "Gurmukhi", range: 0x0A00...0x0A7F, minimum: 40),
        Script(name: "Gujarati", range: 0x0A80...0x0AFF, minimum: 50),
        Script(name: "Tamil", range: 0x0B80...0x0BFF, minimum: 40),
        Script(name: "Telugu", range: 0x0C00...0x0C7F, minimum: 50),
        Script(name: "Kannada", range: 0x0C80...0x0CFF, minimum: 50),
        Script(name: "Malayalam", range: 0x0D00...0x0D7F, minimum: 50),
        Script(name: "Thai", range: 0x0E00...0x0E7F, minimum: 60),
        Script(name: "Lao", range: 0x0E80...0x0EFF, minimum: 40),
        Script(name: "Tibetan", range: 0x0F00...0x0FFF, minimum: 60),
        Script(name: "Georgian", range: 0x10A0...0x10FF, minimum: 33),
        Script(name: "Ethiopic", range: 0x1200...0x137F, minimum: 200),
        Script(name: "Cherokee", range: 0x13A0...0x13FF, minimum: 60),
        Script(name: "Khmer", range: 0x1780...0x17FF, minimum: 60),
        Script(name: "Hiragana", range: 0x3040...0x309F, minimum: 70),
        Script(name: "Katakana", range: 0x30A0...0x30FF, minimum: 70),
        Script(name: "Han", range: 0x4E00...0x9FFF, minimum: 2000),
        Script(name: "Hangul", range: 0xAC00...0xD7A3, minimum: 2000),
    ]

    static func covered(by characters: [UInt32]) -> [String] {
        var counts = [Int](repeating: 0, count: all.count)
        for character in characters {
            for (index, script) in all.enumerated() where script.range.contains(character) {
                // Latin: letters only, not the punctuation between the cases.
                if index == 0, (0x5B...0x60).contains(character) { continue }
                counts[index] += 1
            }
        }
        return all.indices.filter { counts[$0] >= all[$0].minimum }.map { all[$0].name }
    }

    /// A line to show a font in, for a script that is not Latin.
    static func sample(for script: String) -> String? {
        switch script {
        case "Greek": "Ταχίστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός"
        case "Cyrillic": "Съешь же ещё этих мягких французских булок, да выпей чаю"
        case "Armenian": "Բարեւ աշխարհ"
        case "Georgian": "გამარჯობა მსოფლიო"
        case "Hiragana": "いろはにほへと ちりぬるを わかよたれそ"
        case "Katakana": "イロハニホヘト チリヌルヲ ワカヨタレソ"
        case "Han": "永和九年，岁在癸丑，暮春之初"
        case "Hangul": "다람쥐 헌 쳇바퀴에 타고파"
        case "Thai": "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า"
        case "Cherokee": "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ"
        default: nil
        }
    }
}

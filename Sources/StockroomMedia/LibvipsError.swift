import Foundation
internal import CVips
internal import CMediaShim

/// libvips keeps errors in one process-wide buffer; this takes (copies and clears) it.
enum LibvipsError {
    static func take() -> String {
        guard let buffer = sr_vips_take_error() else { return "unknown error" }
        defer { g_free(buffer) }
        let message = String(cString: buffer)
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return message.isEmpty ? "unknown error" : message.joined(separator: "; ")
    }
}

extension String {
    /// The text of a C buffer up to its first NUL.
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

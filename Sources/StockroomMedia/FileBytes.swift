import Foundation

/// A file's bytes for the parsers that read structure directly, memory-mapped so a large file
/// costs address space, not memory, until its pages are read.
enum FileBytes {
    static func map(_ path: String, limit: Int? = nil, what: String = "file") throws(MediaError) -> Data {
        if let limit {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            if size > limit {
                throw .unsupportedFormat("\(what) of \(size) bytes is over the limit of \(limit) bytes")
            }
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .io("cannot read \(path): \(error.localizedDescription)")
        }
    }
}

extension String {
    /// Trimmed of whitespace and NULs; nil when nothing is left.
    var trimmedNonEmpty: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
        return trimmed.isEmpty ? nil : trimmed
    }
}

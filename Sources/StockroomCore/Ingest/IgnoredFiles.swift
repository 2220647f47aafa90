import Foundation

/// Files that are never assets: partial downloads, editor temp files, OS litter, hidden files,
/// and XMP sidecars (read together with the file they describe).
public enum IgnoredFiles {
    static let names: Set<String> = [".ds_store", "thumbs.db", "desktop.ini", "icon\r"]
    static let suffixes = [".part", ".crdownload", ".tmp", ".temp", ".download", ".partial", ".swp", "~", ".xmp", ".error.json"]

    public static func isIgnored(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower.hasPrefix(".") || lower.hasPrefix("~$") || names.contains(lower) { return true }
        return suffixes.contains { lower.hasSuffix($0) }
    }

    /// An XMP sidecar beside `file`: `photo.xmp` or `photo.jpg.xmp`, in any letter case.
    public static func sidecar(for file: URL) -> URL? {
        let dir = file.deletingLastPathComponent()
        let base = file.deletingPathExtension().lastPathComponent
        let candidates = ["\(base).xmp", "\(base).XMP", "\(file.lastPathComponent).xmp", "\(file.lastPathComponent).XMP"]
        for name in candidates {
            let url = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }
}

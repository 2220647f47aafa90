import Foundation
import ZIPFoundation

/// The ZIP container of an Office or OpenDocument file, read under limits that refuse zip bombs:
/// a bounded number of entries, parts whose declared size, inflated/deflated ratio and total are
/// bounded, and inflation that stops the moment a part produces more bytes than it declared or
/// than the limit allows (a lying header cannot get past it). Entries are looked up by name;
/// nothing is ever extracted to disk.
///
/// The archive is read from a file, never from ZIPFoundation's in-memory archive: 0.9.20's
/// `MemoryFile` lets a damaged central directory seek past the end and then traps on a negative
/// range in `readData` (found by the damaged-variants test); stdio's `FILE` reads short instead.
struct OfficeArchive {
    private let archive: Archive
    private let entries: [String: Entry]
    private let limits: DocumentLimits
    private var inflated = 0

    private struct Overflow: Error { let message: String }

    init(fileAt url: URL, limits: DocumentLimits) throws(MediaError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limits.maxArchiveBytes else {
            throw .unsupportedFormat("archive of \(size) bytes is over the limit of \(limits.maxArchiveBytes) bytes")
        }
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .corrupt("not a readable ZIP archive (\(error))")
        }
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxArchiveEntries else {
                throw .unsupportedFormat("archive with more than \(limits.maxArchiveEntries) entries (zip bomb guard)")
            }
            if entries[entry.path] == nil { entries[entry.path] = entry }
        }
        self.entries = entries
        self.limits = limits
    }

    var paths: [String] { entries.keys.sorted() }

    func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The inflated bytes of one part, or nil when the archive has no such entry.
    mutating func part(_ path: String) throws(MediaError) -> Data? {
        guard let entry = entries[path], entry.type == .file else { return nil }
        let declared = entry.uncompressedSize
        let compressed = max(entry.compressedSize, 1)
        guard declared <= UInt64(limits.maxArchivePartBytes) else {
            throw .unsupportedFormat("\(path) inflates to \(declared) bytes, over the limit of \(limits.maxArchivePartBytes) (zip bomb guard)")
        }
        if declared > 1 << 20, declared / compressed > UInt64(limits.maxCompressionRatio) {
            throw .unsupportedFormat("\(path) is compressed \(declared / compressed):1, over the limit of \(limits.maxCompressionRatio):1 (zip bomb guard)")
        }
        guard inflated + Int(declared) <= limits.maxArchiveInflatedBytes else {
            throw .unsupportedFormat("the parts read inflate to more than \(limits.maxArchiveInflatedBytes) bytes (zip bomb guard)")
        }
        let allowed = Int(declared)
        var data = Data()
        data.reserveCapacity(allowed)
        do {
            let checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard data.count + chunk.count <= allowed else {
                    throw Overflow(message: "\(path) inflates past its declared \(allowed) bytes (zip bomb guard)")
                }
                data.append(chunk)
            }
            guard checksum == entry.checksum else { throw MediaError.corrupt("\(path): CRC-32 mismatch") }
        } catch let overflow as Overflow {
            throw .unsupportedFormat(overflow.message)
        } catch let error as MediaError {
            throw error
        } catch {
            throw .corrupt("cannot inflate \(path) (\(error))")
        }
        inflated += data.count
        return data
    }
}

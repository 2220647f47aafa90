import Foundation

/// A blob the catalog points at, with the size it recorded and who uses it.
public struct BlobReference: Sendable, Equatable {
    public var hash: String
    public var byteSize: Int64?
    /// `asset 12 v1`, `asset 12 PREVIEW`, …
    public var usedBy: [String]

    public init(hash: String, byteSize: Int64?, usedBy: [String]) {
        self.hash = hash
        self.byteSize = byteSize
        self.usedBy = usedBy
    }
}

/// Which blobs the catalog refers to.
public protocol BlobReferenceRepository: Sendable {
    /// Every blob of a version or a completed rendition, once, with its recorded size.
    func referencedBlobs() throws(DomainError) -> [BlobReference]
}

/// What `stockroom blobs verify` found.
public struct BlobScrubReport: Codable, Sendable, Equatable {
    public struct Problem: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case missing = "MISSING", wrongSize = "WRONG_SIZE", wrongHash = "WRONG_HASH" }
        public var hash: String
        public var problem: Kind
        public var expectedSize: Int64?
        public var actualSize: Int64?
        public var usedBy: [String]
        /// Put back from the repair folder.
        public var repaired: Bool
    }

    /// Blobs the catalog refers to, all checked.
    public var checked: Int
    public var ok: Int
    public var bytesRead: Int64
    public var problems: [Problem]
    /// Blobs in the store that nothing in the catalog refers to (reported, never deleted).
    public var unreferenced: Int

    public var unrepaired: Int { problems.filter { !$0.repaired }.count }
}

/// Checks every blob the catalog refers to: present, of the recorded size, and hashing to its
/// name. Given a folder holding a copy (a blob store's layout, a data home, or any tree of
/// files), puts back the damaged and missing ones whose bytes it finds there.
public struct BlobScrubber: Sendable {
    let blobs: any BlobStore
    let references: any BlobReferenceRepository

    public init(blobs: any BlobStore, references: any BlobReferenceRepository) {
        self.blobs = blobs
        self.references = references
    }

    public func scrub(repairFrom copy: URL? = nil) throws(DomainError) -> BlobScrubReport {
        let referenced = try references.referencedBlobs()
        var problems: [BlobScrubReport.Problem] = []
        var bytesRead: Int64 = 0
        for reference in referenced {
            guard blobs.contains(reference.hash) else {
                problems.append(.init(hash: reference.hash, problem: .missing, expectedSize: reference.byteSize, actualSize: nil,
                                      usedBy: reference.usedBy, repaired: false))
                continue
            }
            let size = try blobs.size(of: reference.hash)
            if let expected = reference.byteSize, expected != size {
                problems.append(.init(hash: reference.hash, problem: .wrongSize, expectedSize: expected, actualSize: size,
                                      usedBy: reference.usedBy, repaired: false))
                continue
            }
            bytesRead += size
            if try !blobs.verify(reference.hash) {
                problems.append(.init(hash: reference.hash, problem: .wrongHash, expectedSize: reference.byteSize, actualSize: size,
                                      usedBy: reference.usedBy, repaired: false))
            }
        }
        if let copy, !problems.isEmpty {
            let finder = RepairSource(root: copy, wanted: Dictionary(problems.map { ($0.hash, $0.expectedSize) }, uniquingKeysWith: { a, _ in a }))
            for index in problems.indices {
                guard let source = finder.file(for: problems[index].hash) else { continue }
                do {
                    try blobs.restore(problems[index].hash, from: source)
                    problems[index].repaired = try blobs.verify(problems[index].hash)
                } catch {
                    continue
                }
            }
        }
        let wanted = Set(referenced.map(\.hash))
        let unreferenced = try blobs.allHashes().filter { !wanted.contains($0) }.count
        return BlobScrubReport(checked: referenced.count, ok: referenced.count - problems.count, bytesRead: bytesRead,
                               problems: problems, unreferenced: unreferenced)
    }
}

/// Finds the bytes of wanted blobs in a folder: first where a blob store (or a data home's
/// `blobs/`) would keep them, then by hashing the files whose size matches.
struct RepairSource {
    let root: URL
    let wanted: [String: Int64?]
    private let bySize: [String: URL]

    init(root: URL, wanted: [String: Int64?]) {
        self.root = root
        self.wanted = wanted
        var found: [String: URL] = [:]
        let sizes = Set(wanted.values.compactMap { $0 })
        let missingByLayout = wanted.keys.filter { Self.layoutFile(root, $0) == nil }
        if !missingByLayout.isEmpty, let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) {
            let stillWanted = Set(missingByLayout)
            for case let url as URL in walker {
                guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true,
                      let size = values.fileSize, sizes.contains(Int64(size)) || wanted.values.contains(where: { $0 == nil })
                else { continue }
                if let hash = Self.sha256(of: url), stillWanted.contains(hash), found[hash] == nil { found[hash] = url }
            }
        }
        bySize = found
    }

    func file(for hash: String) -> URL? {
        Self.layoutFile(root, hash) ?? bySize[hash]
    }

    static func layoutFile(_ root: URL, _ hash: String) -> URL? {
        let relative = "\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"
        for base in [root, root.appendingPathComponent("blobs")] {
            let candidate = base.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func sha256(of url: URL) -> String? {
        guard let store = try? DiskBlobStore.hashOf(file: url) else { return nil }
        return store
    }
}

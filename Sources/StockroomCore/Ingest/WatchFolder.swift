import Foundation
import Logging

/// A drop folder: files that land in it (in any subfolder) are ingested once they are complete,
/// exactly once, and never lost.
///
/// "Complete" means: no writer has it open, and no write event and no change of size or
/// modification time for `settleSeconds`. inotify pairs the two ends of a write: a file with a
/// write event after its last close-write is still being written, however long its writer
/// pauses. A periodic rescan catches anything inotify missed, and the first scan on start
/// catches files that arrived while Stockroom was down; for those the settle interval applies,
/// and before any hand-over `/proc/*/fd` is checked for a process holding the file open for
/// writing (`OpenFileWriters`). What was already handed over is remembered in the catalog (`watch_file`),
/// so rescans and restarts skip unchanged files without reading them.
public final class WatchFolder: @unchecked Sendable {
    public let configuration: WatchFolderConfiguration
    public let root: URL
    public var batchId: String { "watch:\(root.path)" }

    private let catalog: any Catalog
    private let ingest: IngestService
    private let logger: Logger
    private let onEvent: @Sendable (WatchEvent) -> Void
    /// Store originals and queue jobs only (`watch --enqueue-only`): workers elsewhere do the
    /// rest, so the file is remembered as queued at once, and is neither moved nor reported again.
    private let enqueueOnly: Bool
    private let lock = NSLock()

    private struct Observation: Equatable {
        var size: Int64
        var modifiedAt: Double
    }

    private struct Candidate {
        var observation: Observation
        var stableSince: Date
        var lastEvent: Date
        /// A write event came after the last close-write: its writer still has it open.
        var writerOpen = false
    }

    private var candidates: [String: Candidate] = [:]
    /// Files handed to the pipeline and not finished yet, with what they looked like then.
    private var inFlight: [String: Observation] = [:]
    private var states: [String: WatchedFileState] = [:]

    public init(configuration: WatchFolderConfiguration, catalog: any Catalog, ingest: IngestService,
                logger: Logger = Logger(label: "stockroom.watch"), enqueueOnly: Bool = false,
                onEvent: @escaping @Sendable (WatchEvent) -> Void) throws(DomainError) {
        self.configuration = configuration
        self.enqueueOnly = enqueueOnly
        self.root = configuration.rootURL
        self.catalog = catalog
        self.ingest = ingest
        self.logger = logger
        self.onEvent = onEvent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notFound("watch folder \(root.path) does not exist")
        }
        _ = try LibraryService(libraries: catalog, folders: catalog).library(slug: configuration.library)
        states = try catalog.watchedFileStates(root: root.path)
    }

    /// Watches until `stop` is signalled. Blocks the calling thread.
    public func run(stop: StopSignal) throws(DomainError) {
        let monitor = try FileChangeMonitor(root: root)
        emit(WatchEvent(event: .watching, file: root.path))
        scan("")
        var lastRescan = Date()
        while !stop.isStopped {
            let now = Date()
            for change in monitor.next(timeout: min(0.25, configuration.settleSeconds / 4)) {
                switch change {
                case let .modified(path): observe(path, at: Date(), writerOpen: true)
                case let .completed(path): observe(path, at: Date(), writerOpen: false)
                case let .attributesChanged(path): observe(path, at: Date())
                case let .directoryAppeared(path): scan(path)
                case .overflow: scan("")
                }
            }
            if now.timeIntervalSince(lastRescan) >= configuration.rescanSeconds {
                scan("")
                lastRescan = now
            }
            handOverSettledFiles(now: Date())
        }
    }

    /// Adds every file below `relativeDir` as a candidate, unless it was already handed over
    /// with the same size and modification time.
    private func scan(_ relativeDir: String) {
        let dir = relativeDir.isEmpty ? root : root.appendingPathComponent(relativeDir)
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isDirectoryKey, .isRegularFileKey]) else { return }
        for case let url as URL in walker {
            let name = url.lastPathComponent
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isRegularFileKey])
            if values?.isDirectory == true {
                if name.hasPrefix(".") { walker.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            observe(String(full.dropFirst(root.path.count).drop(while: { $0 == "/" })), at: Date(), fromScan: true)
        }
    }

    private func stat(_ relative: String) -> Observation? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(relative).path),
              (attributes[.type] as? FileAttributeType) == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.int64Value,
              let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Observation(size: size, modifiedAt: modified.timeIntervalSince1970)
    }

    /// `writerOpen`: what the event says of the file's writer (nil: nothing, a rescan or a change
    /// of attributes).
    private func observe(_ relative: String, at time: Date, fromScan: Bool = false, writerOpen: Bool? = nil) {
        let name = (relative as NSString).lastPathComponent
        guard !IgnoredFiles.isIgnored(name), !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { return }
        guard let observation = stat(relative) else { return }
        lock.withLock {
            if let state = states[relative], state.byteSize == observation.size, state.modifiedAt == observation.modifiedAt,
               candidates[relative] == nil, writerOpen != true {
                return  // already handed over, unchanged
            }
            if var candidate = candidates[relative] {
                if !fromScan { candidate.lastEvent = time }
                if candidate.observation != observation {
                    candidate.observation = observation
                    candidate.stableSince = time
                }
                if let writerOpen { candidate.writerOpen = writerOpen }
                candidates[relative] = candidate
            } else {
                candidates[relative] = Candidate(observation: observation, stableSince: time, lastEvent: fromScan ? .distantPast : time,
                                                 writerOpen: writerOpen ?? false)
            }
        }
    }

    /// Queues files that have been quiet for the settle interval and that no process holds open
    /// for writing.
    private func handOverSettledFiles(now: Date) {
        var settled: [(String, Observation)] = []
        lock.withLock {
            for (path, candidate) in candidates where inFlight[path] == nil && !candidate.writerOpen {
                guard let current = stat(path) else { candidates[path] = nil; continue }
                if current != candidate.observation {
                    var changed = candidate
                    changed.observation = current
                    changed.stableSince = now
                    candidates[path] = changed
                    continue
                }
                let quiet = now.timeIntervalSince(max(candidate.stableSince, candidate.lastEvent))
                if quiet >= configuration.settleSeconds { settled.append((path, current)) }
            }
        }
        guard !settled.isEmpty else { return }
        let held = OpenFileWriters.held(settled.map { root.appendingPathComponent($0.0).path })
        let ready = settled.filter { !held.contains(root.appendingPathComponent($0.0).path) }
        lock.withLock {
            for (path, _) in settled where held.contains(root.appendingPathComponent(path).path) {
                // Still open somewhere: wait another settle interval, then look again.
                candidates[path]?.stableSince = now
            }
            for (path, observation) in ready {
                candidates[path] = nil
                inFlight[path] = observation
            }
        }
        guard !ready.isEmpty else { return }
        let files = ready.map { IngestService.SourceFile(url: root.appendingPathComponent($0.0), relativePath: $0.0) }
        do {
            _ = try ingest.enqueue(files, librarySlug: configuration.library, baseFolder: configuration.folder, actor: Actor(kind: .system, name: "watch"),
                                   batchId: batchId, storingOriginals: enqueueOnly)
            for (path, observation) in ready {
                if enqueueOnly {
                    let state = WatchedFileState(byteSize: observation.size, modifiedAt: observation.modifiedAt, outcome: "QUEUED", assetId: nil)
                    lock.withLock {
                        inFlight[path] = nil
                        states[path] = state
                    }
                    try? catalog.recordWatchedFile(root: root.path, relativePath: path, state: state, now: Date())
                }
                emit(WatchEvent(event: .queued, file: path))
            }
        } catch {
            logger.error("cannot queue files", metadata: ["error": "\(error)"])
            lock.withLock { for (path, _) in ready { inFlight[path] = nil } }
        }
    }

    /// Called by the pipeline when one of this folder's jobs ends: remembers the file, and moves it
    /// to the processed or failed folder.
    public func jobFinished(_ event: PipelineEvent) {
        guard event.batchId == batchId, !event.willRetry, let relative = event.file else { return }
        let observed = lock.withLock { inFlight.removeValue(forKey: relative) } ?? stat(relative)
        let source = root.appendingPathComponent(relative)
        var watchEvent = WatchEvent(event: WatchEvent.Kind(event.outcome), file: relative, assetId: event.assetId,
                                    versionNumber: event.versionNumber, duplicateOf: event.duplicateOf,
                                    stage: event.stage?.rawValue.lowercased(), reason: event.reason)
        if event.outcome == .failed {
            let destination = configuration.failedURL.appendingPathComponent(relative)
            if move(source, to: destination) {
                watchEvent.movedTo = destination.path
                writeErrorReport(for: relative, event: event, beside: destination)
                try? catalog.setQuarantinePath(sourcePath: source.path, quarantinePath: destination.path)
            }
        } else {
            if let observed {
                let state = WatchedFileState(byteSize: observed.size, modifiedAt: observed.modifiedAt, outcome: event.outcome.rawValue, assetId: event.assetId ?? event.duplicateOf)
                lock.withLock { states[relative] = state }
                try? catalog.recordWatchedFile(root: root.path, relativePath: relative, state: state, now: Date())
            }
            if let processed = configuration.processedURL {
                let destination = processed.appendingPathComponent(relative)
                if move(source, to: destination) { watchEvent.movedTo = destination.path }
            }
        }
        emit(watchEvent)
    }

    /// Moves without ever overwriting: an existing file at the destination gets a numbered name.
    private func move(_ source: URL, to destination: URL) -> Bool {
        let fm = FileManager.default
        guard fm.fileExists(atPath: source.path) else { return false }
        do {
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            var target = destination
            var n = 2
            while fm.fileExists(atPath: target.path) {
                let base = destination.deletingPathExtension().lastPathComponent
                let ext = destination.pathExtension
                target = destination.deletingLastPathComponent().appendingPathComponent(ext.isEmpty ? "\(base)-\(n)" : "\(base)-\(n).\(ext)")
                n += 1
            }
            try fm.moveItem(at: source, to: target)
            return true
        } catch {
            logger.error("cannot move file", metadata: ["from": "\(source.path)", "to": "\(destination.path)", "error": "\(error)"])
            return false
        }
    }

    private func writeErrorReport(for relative: String, event: PipelineEvent, beside destination: URL) {
        let report = ErrorReport(file: relative, library: configuration.library, stage: event.stage?.rawValue.lowercased() ?? "unknown",
                                 reason: event.reason ?? "unknown", details: event.details, failedAt: Date(), quarantinedAt: destination.path)
        let url = destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".error.json")
        let encoder = JSONEncoder.stockroom
        encoder.outputFormatting.insert(.prettyPrinted)
        try? encoder.encode(report).write(to: url, options: .atomic)
    }

    private func emit(_ event: WatchEvent) {
        onEvent(event)
    }

    struct ErrorReport: Codable {
        var file: String
        var library: String
        var stage: String
        /// One line.
        var reason: String
        /// The full text (every warning), when `reason` is a summary of it.
        var details: String?
        var failedAt: Date
        var quarantinedAt: String
    }
}

/// One line of `stockroom watch` output (`--json` prints these as JSON objects, one per line).
public struct WatchEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case watching, queued, ingested, duplicate, newVersion = "new_version", unchanged, failed, rerendered

        init(_ outcome: IngestOutcome) {
            switch outcome {
            case .ingested: self = .ingested
            case .duplicate: self = .duplicate
            case .newVersion: self = .newVersion
            case .unchanged: self = .unchanged
            case .failed: self = .failed
            case .rerendered: self = .rerendered
            }
        }
    }

    public var event: Kind
    public var file: String
    public var assetId: Int64?
    public var versionNumber: Int?
    public var duplicateOf: Int64?
    public var stage: String?
    public var reason: String?
    public var movedTo: String?
    public var time: Date

    public init(event: Kind, file: String, assetId: Int64? = nil, versionNumber: Int? = nil, duplicateOf: Int64? = nil,
                stage: String? = nil, reason: String? = nil, movedTo: String? = nil, time: Date = Date()) {
        self.event = event
        self.file = file
        self.assetId = assetId
        self.versionNumber = versionNumber
        self.duplicateOf = duplicateOf
        self.stage = stage
        self.reason = reason
        self.movedTo = movedTo
        self.time = time
    }
}

import Foundation

/// Puts files into a library through the pipeline: finds them, queues one job per file, runs the
/// workers until the batch is done, and sums up what happened.
public struct IngestService: Sendable {
    let catalog: any Catalog
    let runner: PipelineRunner
    let libraries: LibraryService

    public init(catalog: any Catalog, runner: PipelineRunner) {
        self.catalog = catalog
        self.runner = runner
        self.libraries = LibraryService(libraries: catalog, folders: catalog)
    }

    /// One file to ingest: where it is, and its identity inside the library.
    public struct SourceFile: Sendable, Equatable {
        public var url: URL
        /// Path relative to the ingest root ("campaigns/summer/a.jpg").
        public var relativePath: String

        public init(url: URL, relativePath: String) {
            self.url = url
            self.relativePath = relativePath
        }
    }

    /// Expands files and directories (recursively) into the files to ingest, skipping ignored ones.
    /// A directory's files are identified by their path below it.
    public static func sourceFiles(_ paths: [URL]) throws(DomainError) -> [SourceFile] {
        var files: [SourceFile] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw .notFound("no such file or directory: \(path.path)")
            }
            if !isDirectory.boolValue {
                files.append(SourceFile(url: path, relativePath: path.lastPathComponent))
                continue
            }
            let root = path.standardizedFileURL.resolvingSymlinksInPath()
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey]) else {
                throw .notFound("cannot read directory \(path.path)")
            }
            var found: [SourceFile] = []
            for case let url as URL in walker {
                let name = url.lastPathComponent
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
                if values?.isDirectory == true {
                    if name.hasPrefix(".") { walker.skipDescendants() }
                    continue
                }
                guard values?.isRegularFile == true, !IgnoredFiles.isIgnored(name) else { continue }
                let full = url.standardizedFileURL.resolvingSymlinksInPath().path
                let relative = String(full.dropFirst(root.path.count).drop(while: { $0 == "/" }))
                found.append(SourceFile(url: url, relativePath: relative))
            }
            files += found.sorted { $0.relativePath < $1.relativePath }
        }
        return files
    }

    /// Queues one job per file into a new batch. Files under `baseFolder` keep their subfolders:
    /// `campaigns/summer/a.jpg` with base `/imports` lands in `/imports/campaigns/summer`.
    ///
    /// `storingOriginals` (`--enqueue-only`) puts each file into the blob store first and queues
    /// its job at the extract stage, so any worker host can take it without reading this host's
    /// disk. A file that cannot be stored is queued as usual; its store stage records why.
    public func enqueue(_ files: [SourceFile], librarySlug: String, baseFolder: String?, actor: Actor,
                        batchId: String = UUID().uuidString, storingOriginals: Bool = false) throws(DomainError) -> (batchId: String, jobs: [Job]) {
        let library = try libraries.library(slug: librarySlug)
        let base = try FolderPath(parsing: baseFolder ?? "/")
        let jobs = try files.map { file throws(DomainError) -> Job in
            var payload = IngestPayload(libraryId: library.id!)
            payload.sourcePath = file.url.path
            payload.relativePath = file.relativePath
            payload.actor = actor.name
            payload.sidecarPath = IgnoredFiles.sidecar(for: file.url)?.path
            var folder = base
            for segment in file.relativePath.split(separator: "/").dropLast() {
                folder = folder.appending(Slug.make(from: String(segment)))
            }
            payload.folderPath = folder.isRoot ? nil : folder.description
            var stage = PipelineStage.store
            if storingOriginals, let stored = try? runner.blobs.put(contentsOf: file.url) {
                payload.blobHash = stored.hash
                payload.byteSize = stored.byteSize
                stage = .extract
            }
            let encoded: JSONValue
            do { encoded = try JSONValue.encoding(payload) } catch { throw .invalidArgument("cannot encode job: \(error)") }
            return Job(organizationId: library.organizationId, stage: stage, payload: encoded,
                       dedupeKey: "ingest:\(library.id!):\(file.relativePath)", batchId: batchId)
        }
        return (batchId, try catalog.enqueue(jobs))
    }

    /// Runs the batch to completion and sums it up. `onGridThumbnails` hears of each file whose
    /// grid thumbnails are made before its other renditions (PipelineRunner, "thumbnails first").
    public func run(batchId: String, workers: Int, stop: StopSignal = StopSignal(),
                    onGridThumbnails: @escaping @Sendable (PipelineEvent) -> Void = { _ in },
                    onEvent: @escaping @Sendable (PipelineEvent) -> Void = { _ in }) async throws(DomainError) -> IngestSummary {
        let ahead = try originalsAhead(batchId: batchId)
        if let ahead { stop.whenStopped { ahead.stop() } }
        await runner.run(workers: workers, batchId: batchId, untilDrained: true, stop: stop, originalsAhead: ahead,
                         onGridThumbnails: onGridThumbnails, onEvent: onEvent)
        ahead?.stop()
        return try summary(batchId: batchId)
    }

    /// The lane storing the batch's originals ahead of the workers (`OriginalsAhead`), over its
    /// files still at the store stage in the order workers claim them; nil when there are none.
    private func originalsAhead(batchId: String) throws(DomainError) -> OriginalsAhead? {
        var limits: [Int64: Int64?] = [:]
        var files: [(path: String, maxSize: Int64?)] = []
        let queued = try catalog.jobs(batchId: batchId).filter { $0.status == .queued && $0.stage == .store }
        for job in queued.sorted(by: { ($0.priority, -$0.id!) > ($1.priority, -$1.id!) }) {
            guard let payload = try? job.payload.decode(IngestPayload.self), let path = payload.sourcePath else { continue }
            if limits[payload.libraryId] == nil {
                limits[payload.libraryId] = .some(try runner.libraries.library(id: payload.libraryId)?.settings.maxFileSize)
            }
            files.append((path, limits[payload.libraryId] ?? nil))
        }
        return files.isEmpty ? nil : OriginalsAhead(blobs: runner.blobs, files: files)
    }

    public func summary(batchId: String) throws(DomainError) -> IngestSummary {
        let jobs = try catalog.jobs(batchId: batchId)
        var summary = IngestSummary(batchId: batchId)
        for job in jobs {
            let payload = try? job.payload.decode(IngestPayload.self)
            let outcome: IngestOutcome? = switch job.status {
            case .succeeded: payload?.outcome ?? .ingested
            case .failed: .failed
            case .queued, .running: nil
            }
            guard let outcome else { summary.pending += 1; continue }
            switch outcome {
            case .ingested: summary.ingested += 1
            case .duplicate: summary.duplicates += 1
            case .newVersion: summary.versions += 1
            case .unchanged: summary.unchanged += 1
            case .failed: summary.failed += 1
            case .rerendered: summary.rerendered += 1
            }
            summary.files.append(IngestSummary.File(PipelineEvent(job: job, payload: payload, outcome: outcome)))
        }
        return summary
    }
}

/// The result of an ingest batch; printed by `stockroom ingest --json`.
public struct IngestSummary: Codable, Sendable, Equatable {
    public var batchId: String
    public var ingested = 0
    public var duplicates = 0
    public var versions = 0
    public var unchanged = 0
    public var failed = 0
    public var rerendered = 0
    /// Jobs not finished (the run was stopped); they resume on the next run.
    public var pending = 0
    public var files: [File] = []

    public init(batchId: String) {
        self.batchId = batchId
    }

    /// One file of the batch as `--json` prints it: a `PipelineEvent` without the job's identifiers.
    public struct File: Codable, Sendable, Equatable {
        public var file: String
        public var outcome: IngestOutcome
        public var assetId: Int64?
        public var versionNumber: Int?
        public var duplicateOf: Int64?
        public var renditions: Int?
        public var renditionsFailed: Int?
        public var stage: PipelineStage?
        public var reason: String?

        init(_ event: PipelineEvent) {
            file = event.file ?? ""
            outcome = event.outcome
            assetId = event.assetId
            versionNumber = event.versionNumber
            duplicateOf = event.duplicateOf
            renditions = event.renditions
            renditionsFailed = event.renditionsFailed
            stage = event.stage
            reason = event.reason
        }
    }
}

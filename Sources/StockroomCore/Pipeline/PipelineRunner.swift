import Foundation
import Logging
import NIOConcurrencyHelpers
import StockroomMedia

/// Runs pipeline jobs: a pool of worker threads claims jobs from the durable queue and takes each
/// through its remaining stages (store → extract → version → render).
///
/// Workers are threads, not tasks: the media work is long, blocking C code that must not occupy
/// Swift's cooperative pool (the HTTP server shares the process).
public final class PipelineRunner: Sendable {
    public typealias MediaEngineFactory = @Sendable (MediaEngineConfiguration) throws(MediaError) -> any MediaEngine

    let catalog: any PipelineCatalog
    let libraries: any LibraryRepository
    let blobs: any BlobStore
    let pipelines: PipelineDirectory
    public let makeMediaEngine: MediaEngineFactory
    let logger: Logger
    let leaseSeconds: Double
    let owner: LeaseOwner
    let interruptMediaWork: (@Sendable () -> Void)?
    /// How an idle worker thread waits for work: a plain sleep, or (PostgreSQL) a wait on the
    /// queue's notifications that returns as soon as another host enqueues.
    let waitForWork: @Sendable (TimeInterval) -> Void
    /// How often idle workers look for jobs abandoned by dead workers (other hosts' included).
    let reclaimInterval: TimeInterval
    private let lastReclaim = NIOLockedValueBox(Date())
    private let cache = Cache()

    /// `interruptMediaWork` stops the media work in hand when a run is told to stop (the
    /// contained engine's workers are killed), so a stop does not wait for a long decode; the
    /// jobs it interrupted go back to the queue.
    public init(catalog: any PipelineCatalog & LibraryRepository, blobs: any BlobStore, pipelines: PipelineDirectory,
                makeMediaEngine: @escaping MediaEngineFactory, logger: Logger = Logger(label: "stockroom.pipeline"),
                leaseSeconds: Double = 600, owner: LeaseOwner = .current, interruptMediaWork: (@Sendable () -> Void)? = nil,
                waitForWork: (@Sendable (TimeInterval) -> Void)? = nil, reclaimInterval: TimeInterval = 5) {
        self.catalog = catalog
        self.libraries = catalog
        self.blobs = blobs
        self.pipelines = pipelines
        self.makeMediaEngine = makeMediaEngine
        self.logger = logger
        self.leaseSeconds = leaseSeconds
        self.owner = owner
        self.interruptMediaWork = interruptMediaWork
        self.waitForWork = waitForWork ?? { Thread.sleep(forTimeInterval: $0) }
        self.reclaimInterval = reclaimInterval
    }

    /// Runs `workers` threads until the batch (or, without a batch, the whole queue) has no
    /// queued or running job left, or until `stop` is signalled. Reclaims abandoned jobs first.
    /// `onEvent` hears of every job that finished; `onGridThumbnails` of every file whose first
    /// render pass made its grid thumbnails (the same job finishes later, with its other renditions).
    public func run(workers: Int, batchId: String?, untilDrained: Bool, stop: StopSignal = StopSignal(),
                    onGridThumbnails: @escaping @Sendable (PipelineEvent) -> Void = { _ in },
                    onEvent: @escaping @Sendable (PipelineEvent) -> Void) async {
        await run(workers: workers, batchId: batchId, untilDrained: untilDrained, stop: stop, originalsAhead: nil,
                  onGridThumbnails: onGridThumbnails, onEvent: onEvent)
    }

    /// `originalsAhead`: a lane storing the batch's originals ahead of the workers, whose store
    /// stages take the blobs it made.
    func run(workers: Int, batchId: String?, untilDrained: Bool, stop: StopSignal, originalsAhead: OriginalsAhead?,
             onGridThumbnails: @escaping @Sendable (PipelineEvent) -> Void,
             onEvent: @escaping @Sendable (PipelineEvent) -> Void) async {
        reclaim(onEvent: onEvent)
        if let interruptMediaWork { stop.whenStopped(interruptMediaWork) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for index in 0..<max(workers, 1) {
                group.enter()
                let thread = Thread { [self] in
                    self.workerLoop(index: index, batchId: batchId, untilDrained: untilDrained, stop: stop,
                                    originalsAhead: originalsAhead, onGridThumbnails: onGridThumbnails, onEvent: onEvent)
                    group.leave()
                }
                thread.name = "stockroom-worker-\(index)"
                thread.stackSize = 8 << 20
                thread.start()
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Requeues (or fails for good) the jobs of dead workers.
    private func reclaim(onEvent: @Sendable (PipelineEvent) -> Void) {
        lastReclaim.withLockedValue { $0 = Date() }
        do {
            let reclaimed = try catalog.reclaimAbandonedJobs(now: Date())
            if reclaimed.requeued > 0 { logger.notice("reclaimed abandoned jobs", metadata: ["count": "\(reclaimed.requeued)"]) }
            for job in reclaimed.failed {
                let payload = try? job.payload.decode(IngestPayload.self)
                logger.warning("abandoned job failed for good", metadata: ["job": "\(job.id!)", "reason": "\(job.lastError ?? "")"])
                onEvent(PipelineEvent(job: job, payload: payload, outcome: .failed))
            }
        } catch {
            logger.error("cannot reclaim jobs: \(error)")
        }
    }

    private func workerLoop(index: Int, batchId: String?, untilDrained: Bool, stop: StopSignal, originalsAhead: OriginalsAhead?,
                            onGridThumbnails: @Sendable (PipelineEvent) -> Void, onEvent: @Sendable (PipelineEvent) -> Void) {
        var idleSleep = 0.02
        while !stop.isStopped {
            let job: Job?
            do {
                job = try catalog.claimJob(owner: owner, leaseSeconds: leaseSeconds, batchId: batchId, now: Date())
            } catch {
                logger.error("claim failed: \(error)")
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            guard let job else {
                if untilDrained, isDrained(batchId: batchId) { return }
                // One idle thread at a time looks for jobs a dead worker (on any host) left running.
                let due = lastReclaim.withLockedValue { last -> Bool in
                    guard Date().timeIntervalSince(last) >= reclaimInterval else { return false }
                    last = Date()
                    return true
                }
                if due { reclaim(onEvent: onEvent) }
                waitForWork(idleSleep)
                idleSleep = min(idleSleep * 2, untilDrained ? 0.2 : 1.0)
                continue
            }
            idleSleep = 0.02
            switch process(job, stop: stop, originalsAhead: originalsAhead, onGridThumbnails: onGridThumbnails) {
            case let .finished(event): onEvent(event)
            case let .gridThumbnailsMade(event): onGridThumbnails(event)
            case .backInQueue: break
            }
        }
    }

    private func isDrained(batchId: String?) -> Bool {
        guard let counts = try? catalog.jobCounts(batchId: batchId) else { return false }
        return (counts[.queued] ?? 0) == 0 && (counts[.running] ?? 0) == 0
    }

    /// Takes a claimed job through its remaining stages. Nil when the job went back to the queue
    /// for the second pass of its render stage (its grid thumbnails are made).
    public func process(_ claimed: Job) -> PipelineEvent? {
        if case let .finished(event) = process(claimed, stop: StopSignal()) { return event }
        return nil
    }

    /// What became of a claimed job.
    enum ProcessOutcome {
        /// The job is done (succeeded or failed).
        case finished(PipelineEvent)
        /// The first render pass made the file's grid thumbnails; the job is back in the queue
        /// for the rest.
        case gridThumbnailsMade(PipelineEvent)
        /// Interrupted by a stop: back in the queue at the stage it reached.
        case backInQueue
    }

    /// `onGridThumbnails` hears of a file whose grid thumbnails were committed ahead of its other
    /// renditions within this call (one decode for both; the call then finishes the job).
    func process(_ claimed: Job, stop: StopSignal, originalsAhead: OriginalsAhead? = nil,
                 onGridThumbnails: (PipelineEvent) -> Void = { _ in }) -> ProcessOutcome {
        var job = claimed
        var payload = (try? job.payload.decode(IngestPayload.self)) ?? IngestPayload(libraryId: 0)
        let log = logger.with(["job": "\(job.id!)", "file": "\(payload.relativePath ?? "-")"])
        do {
            while job.status == .running {
                log.debug("stage", metadata: ["stage": "\(job.stage.rawValue)"])
                switch try runStage(&job, &payload, stop: stop, originalsAhead: originalsAhead, onGridThumbnails: onGridThumbnails) {
                case .advanced:
                    continue
                case .finished:
                    payload = (try? job.payload.decode(IngestPayload.self)) ?? payload
                    return .finished(event(job, payload, outcome: payload.outcome ?? .ingested))
                case .interrupted:
                    try catalog.releaseJob(job, now: Date())
                    log.notice("stopped; the job is back in the queue", metadata: ["stage": "\(job.stage.rawValue)"])
                    return .backInQueue
                case .requeued:
                    log.debug("grid thumbnails made; the rest is queued", metadata: ["stage": "\(job.stage.rawValue)"])
                    return .gridThumbnailsMade(event(job, payload, outcome: payload.outcome ?? .ingested))
                case let .failed(text, undoVersion):
                    let reason = FailureReason(text)
                    let failure = ingestFailure(job, payload, reason: reason)
                    payload.failedStage = job.stage
                    payload.reason = reason.summary
                    // The catalog reads what the version stage filed before it takes it back.
                    if !undoVersion { payload.outcome = .failed }
                    job.payload = (try? JSONValue.encoding(payload)) ?? job.payload
                    if undoVersion {
                        job = try catalog.recordRenderFailure(job: job, failure: failure, now: Date())
                    } else {
                        try catalog.recordFailure(job: job, failure: failure, now: Date())
                    }
                    log.warning("failed", metadata: ["stage": "\(job.stage.rawValue)", "reason": "\(reason.summary)"])
                    var failed = event(job, payload, outcome: .failed, reason: reason.summary)
                    failed.details = reason.details
                    return .finished(failed)
                }
            }
            return .finished(event(job, payload, outcome: payload.outcome ?? .ingested))
        } catch {
            // A fault (disk, catalog), not a bad file: try again later.
            let reason = FailureReason("\(error)")
            let delay = min(pow(2, Double(job.attempts)), 60)
            let status = (try? catalog.retryOrFail(job, error: reason.summary, delay: delay, now: Date())) ?? .failed
            log.error("stage error", metadata: ["stage": "\(job.stage.rawValue)", "error": "\(reason.summary)", "status": "\(status.rawValue)"])
            if status == .failed {
                try? catalog.recordFailure(job: job, failure: ingestFailure(job, payload, reason: reason), now: Date())
            }
            var e = event(job, payload, outcome: .failed, reason: reason.summary)
            e.details = reason.details
            e.willRetry = status == .queued
            return .finished(e)
        }
    }

    private func ingestFailure(_ job: Job, _ payload: IngestPayload, reason: FailureReason) -> IngestFailure {
        IngestFailure(organizationId: job.organizationId, libraryId: payload.libraryId,
                      sourcePath: payload.sourcePath ?? payload.relativePath ?? "asset \(job.assetId ?? 0)",
                      stage: job.stage.rawValue, reason: reason.summary, details: reason.details)
    }

    enum StageResult {
        case advanced, finished
        /// The run is stopping and the media work was cut short: the job goes back to the queue.
        case interrupted
        /// The grid thumbnails are made; the job is back in the queue, at a lower priority, for
        /// the rest of the renditions.
        case requeued
        /// The file failed for good. `undoVersion`: this job filed a new asset or version that
        /// must be taken back (nothing could be rendered from it).
        case failed(String, undoVersion: Bool = false)
    }

    private func runStage(_ job: inout Job, _ payload: inout IngestPayload, stop: StopSignal,
                          originalsAhead: OriginalsAhead?, onGridThumbnails: (PipelineEvent) -> Void) throws -> StageResult {
        switch job.stage {
        case .store:
            guard let source = payload.sourcePath else { return .failed("the job names no file") }
            let url = URL(fileURLWithPath: source)
            guard FileManager.default.isReadableFile(atPath: source) else { return .failed("file is missing or unreadable: \(source)") }
            if let library = try libraries.library(id: payload.libraryId), let max = library.settings.maxFileSize,
               let size = (try? FileManager.default.attributesOfItem(atPath: source))?[.size] as? NSNumber, size.int64Value > max {
                return .failed("file of \(size.int64Value) bytes exceeds the library's limit of \(max) bytes")
            }
            let stored = try originalsAhead?.take(source) ?? blobs.put(contentsOf: url)
            payload.blobHash = stored.hash
            payload.byteSize = stored.byteSize
            return try advance(&job, payload, to: .extract)

        case .extract:
            guard let hash = payload.blobHash else { return .failed("no stored blob") }
            let definition = try definition(libraryId: payload.libraryId)
            let media = try mediaEngine(definition)
            let sidecar = payload.sidecarPath.map { URL(fileURLWithPath: $0) }
                .flatMap { FileManager.default.isReadableFile(atPath: $0.path) ? $0 : nil }
            let file = try blobs.localFile(for: hash)
            do {
                payload.description = try media.describe(fileAt: file, sidecar: sidecar)
            } catch {
                if stop.isStopped { return .interrupted }
                return .failed(Self.naming(error.description, file: file, as: payload))
            }
            if let library = try libraries.library(id: payload.libraryId),
               let mime = payload.description?.mimeType, !library.settings.allows(mimeType: mime) {
                return .failed("\(mime) is not allowed in library \(library.slug) (allowed: \(library.settings.allowedFileTypes.joined(separator: ", ")))")
            }
            return try advance(&job, payload, to: .version)

        case .version:
            guard let hash = payload.blobHash, let size = payload.byteSize, let description = payload.description else {
                return .failed("the job lost its stored blob or description")
            }
            let fileName = (payload.relativePath ?? payload.sourcePath).map { ($0 as NSString).lastPathComponent } ?? hash
            let draft = AssetDraft(description: description, fileName: fileName, blobHash: hash, byteSize: size)
            let definition = try definition(libraryId: payload.libraryId)
            let pending = definition.orderedRecipes.map { type, recipe in
                PlannedRendition(renditionType: type, recipeHash: PipelineDefinition.recipeHash(recipe),
                                 format: recipe.format.rawValue, quality: recipe.quality)
            }
            job = try catalog.recordVersion(job: job, draft: draft, rendersNext: definition.rendersRenditions,
                                            pendingRenditions: pending, leaseSeconds: leaseSeconds, now: Date())
            payload = try job.payload.decode(IngestPayload.self)
            return job.status == .running ? .advanced : .finished

        case .render:
            return try render(&job, &payload, stop: stop, onGridThumbnails: onGridThumbnails)

        case .webhook:
            // Never claimed by pipeline workers (see `SQLiteCatalog.claimJob`).
            return .failed("a webhook delivery is not pipeline work")
        }
    }

    private func advance(_ job: inout Job, _ payload: IngestPayload, to stage: PipelineStage) throws -> StageResult {
        job.stage = stage
        job.payload = try JSONValue.encoding(payload)
        try catalog.saveProgress(job, leaseSeconds: leaseSeconds, now: Date())
        return .advanced
    }

    /// Makes the asset's stale (or requested) renditions from one decode of its current version.
    /// A file this job just filed from which nothing can be rendered (its pixels do not decode,
    /// or the decoder died) fails, and its asset or version is taken back: it is quarantined like
    /// any corrupt file, never catalogued with no renditions. Re-rendering an existing asset
    /// records the failed renditions instead.
    ///
    /// Thumbnails first: for a file this job just filed, the first pass makes only the grid
    /// thumbnails (one small decode: shrink-on-load 8 for a 24 MP JPEG) and puts the job back in
    /// the queue at `Job.remainingRenditionsPriority`; claims take higher priorities first, so
    /// the rest of its renditions are made once every file queued so far has its thumbnails.
    /// From then on a failure is the second pass's: the asset stays, the renditions show FAILED.
    ///
    /// A file that is the only work in sight (`isAlone`: a file arriving alone in a watch folder,
    /// a one-file ingest) is rendered from one decode for both passes: the media call hands over
    /// the grid thumbnails first, they are committed at once (the job stays leased), and the rest
    /// follows from the same decode — no second decode, no second trip through the queue.
    private func render(_ job: inout Job, _ payload: inout IngestPayload, stop: StopSignal,
                        onGridThumbnails: (PipelineEvent) -> Void) throws -> StageResult {
        guard let assetId = job.assetId, let asset = try catalog.asset(id: assetId) else {
            throw DomainError.notFound("the asset of job \(job.id!) no longer exists")
        }
        guard let version = try catalog.versions(assetId: assetId).first(where: \.isCurrent) else {
            throw DomainError.notFound("asset \(assetId) has no current version")
        }
        let definition = try definition(libraryId: asset.libraryId)
        let existing = Dictionary(uniqueKeysWithValues: try catalog.renditions(assetId: assetId).map { ($0.renditionType, $0) })
        var wanted = definition.orderedRecipes.filter { type, recipe in
            if let only = payload.renditionTypes, !only.contains(type) { return false }
            if payload.force == true { return true }
            guard let current = existing[type] else { return true }
            return current.status != .completed || current.versionId != version.id
                || current.recipeHash != PipelineDefinition.recipeHash(recipe)
        }
        let filedNow = payload.outcome == .ingested || payload.outcome == .newVersion
        let secondPass = payload.gridThumbnailsMade == true
        let grid = wanted.filter { definition.gridTypes.contains($0.0) }
        var firstPassOnly = filedNow && !secondPass && !grid.isEmpty && grid.count < wanted.count
        // Asked only when it matters: a file's first pass, at most once per file.
        let gridInStream = try firstPassOnly && catalog.isAlone(job)
        if gridInStream { firstPassOnly = false }
        if firstPassOnly { wanted = grid }
        var gridCommitted = false
        var rows: [Rendition] = []
        // The video proxy is one of the larger renditions: never in a file's grid pass.
        let proxyRecipe = firstPassOnly ? nil : definition.videoProxy.flatMap { recipe -> VideoProxyRecipe? in
            guard asset.assetType.family == "video" else { return nil }
            if let only = payload.renditionTypes, !only.contains(.previewVideo) { return nil }
            if payload.force == true { return recipe }
            guard let current = existing[.previewVideo] else { return recipe }
            let stale = current.status != .completed || current.versionId != version.id
                || current.recipeHash != PipelineDefinition.recipeHash(recipe)
            return stale ? recipe : nil
        }
        // Audio: the waveform and the playable proxy, like the video proxy never in the grid pass.
        func staleForAudio(_ type: RenditionType, _ hash: String) -> Bool {
            guard !firstPassOnly, asset.assetType.family == "audio" else { return false }
            if let only = payload.renditionTypes, !only.contains(type) { return false }
            if payload.force == true { return true }
            guard let current = existing[type] else { return true }
            return current.status != .completed || current.versionId != version.id || current.recipeHash != hash
        }
        let waveformRecipe = definition.waveform.flatMap { staleForAudio(.waveform, PipelineDefinition.recipeHash($0)) ? $0 : nil }
        let audioProxyRecipe = definition.audioProxy.flatMap { staleForAudio(.previewAudio, PipelineDefinition.recipeHash($0)) ? $0 : nil }
        var visualContent = true
        if !wanted.isEmpty {
            let media = try mediaEngine(definition)
            let source = try blobs.localFile(for: version.blobHash)
            let now = Date()
            func row(_ type: RenditionType, _ recipe: RenditionRecipe) -> Rendition {
                var r = Rendition(assetId: assetId, versionId: version.id!, renditionType: type,
                                  recipeHash: PipelineDefinition.recipeHash(recipe), status: .failed, now: now)
                r.format = recipe.format.rawValue
                r.quality = recipe.quality
                return r
            }
            let byName = Dictionary(wanted.map { ($0.0.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
            // Rows for outcomes; all of their renditions are stored together (their writes overlap).
            func renditionRows(for outcomes: [RenditionOutcome]) throws -> [Rendition] {
                let images = outcomes.compactMap { outcome -> RenderedImage? in
                    guard case let .rendered(image) = outcome, byName[image.name] != nil else { return nil }
                    return image
                }
                let storedByName = Dictionary(zip(images.map(\.name), try blobs.put(all: images.map(\.data))),
                                              uniquingKeysWith: { a, _ in a })
                var made: [Rendition] = []
                for outcome in outcomes {
                    switch outcome {
                    case let .rendered(image):
                        guard let (type, recipe) = byName[image.name], let stored = storedByName[image.name] else { continue }
                        var r = row(type, recipe)
                        r.status = .completed
                        r.blobHash = stored.hash
                        r.byteSize = stored.byteSize
                        r.width = image.width
                        r.height = image.height
                        r.format = image.format.rawValue
                        r.quality = image.quality
                        made.append(r)
                    case let .failed(name, reason):
                        guard let (type, recipe) = byName[name] else { continue }
                        var r = row(type, recipe)
                        r.error = FailureReason(Self.naming(reason, file: source, as: payload)).summary
                        made.append(r)
                    }
                }
                return made
            }
            do {
                let description = try payload.description ?? media.describe(fileAt: source, sidecar: nil)
                let outcomes: [RenditionOutcome]
                if gridInStream {
                    var commitFault: (any Error)?
                    outcomes = try media.render(fileAt: source, description: description, recipes: wanted.map(\.1),
                                                deliveringFirst: Set(grid.map(\.1.name))) { early in
                        // Committed while the worker goes on with the larger renditions.
                        do {
                            let gridRows = try renditionRows(for: early)
                            var committed = (job: job, payload: payload)
                            committed.payload.gridThumbnailsMade = true
                            committed.payload.renditionsMade = gridRows.filter { $0.status == .completed }.count
                            committed.payload.renditionsFailed = gridRows.filter { $0.status == .failed }.count
                            committed.job.payload = try JSONValue.encoding(committed.payload)
                            // Resumed after a crash, the rest waits behind other files' first passes.
                            committed.job.priority = Job.remainingRenditionsPriority
                            try catalog.recordGridThumbnails(job: committed.job, renditions: gridRows, leaseSeconds: leaseSeconds, now: Date())
                            (job, payload) = committed
                            gridCommitted = true
                            onGridThumbnails(event(job, payload, outcome: payload.outcome ?? .ingested))
                        } catch {
                            commitFault = error
                        }
                    }
                    if let commitFault { throw commitFault }
                } else {
                    outcomes = try media.render(fileAt: source, description: description, recipes: wanted.map(\.1))
                }
                rows += try renditionRows(for: outcomes)
            } catch let error as MediaError {
                if case .noVisualContent = error {
                    // Audio without cover art: nothing to show, and nothing wrong.
                    visualContent = false
                } else if stop.isStopped {
                    return .interrupted
                } else if filedNow && !secondPass && !gridCommitted {
                    return .failed(Self.naming(error.description, file: source, as: payload), undoVersion: true)
                } else {
                    // What was committed stands; the rest is FAILED with the reason.
                    let left = gridCommitted ? wanted.filter { !definition.gridTypes.contains($0.0) } : wanted
                    rows = left.map { type, recipe in
                        var r = row(type, recipe)
                        r.error = FailureReason(Self.naming(error.description, file: source, as: payload)).summary
                        return r
                    }
                }
            }
        }
        if let proxyRecipe {
            let row = try previewVideo(assetId: assetId, versionId: version.id!, recipe: proxyRecipe, media: try mediaEngine(definition),
                                       source: try blobs.localFile(for: version.blobHash), payload: payload)
            if row.status == .failed && stop.isStopped { return .interrupted }
            rows.append(row)
        }
        if let waveformRecipe {
            let row = try waveform(assetId: assetId, versionId: version.id!, recipe: waveformRecipe, media: try mediaEngine(definition),
                                   source: try blobs.localFile(for: version.blobHash), payload: payload)
            if row.status == .failed && stop.isStopped { return .interrupted }
            rows.append(row)
        }
        if let audioProxyRecipe {
            let row = try previewAudio(assetId: assetId, versionId: version.id!, recipe: audioProxyRecipe, media: try mediaEngine(definition),
                                       source: try blobs.localFile(for: version.blobHash), payload: payload)
            if row.status == .failed && stop.isStopped { return .interrupted }
            rows.append(row)
        }
        // The second pass counts on from the first.
        let madeBefore = secondPass || gridCommitted ? payload.renditionsMade ?? 0 : 0
        let failedBefore = secondPass || gridCommitted ? payload.renditionsFailed ?? 0 : 0
        payload.renditionsMade = madeBefore + rows.filter { $0.status == .completed }.count
        payload.renditionsFailed = failedBefore + rows.filter { $0.status == .failed }.count
        if payload.outcome == nil { payload.outcome = .rerendered }
        if firstPassOnly && visualContent {
            payload.gridThumbnailsMade = true
            job.payload = try JSONValue.encoding(payload)
            job.priority = Job.remainingRenditionsPriority
            try catalog.recordRenditionsAndRequeue(job: job, renditions: rows, now: Date())
            return .requeued
        }
        job.payload = try JSONValue.encoding(payload)
        try catalog.recordRenditions(job: job, renditions: rows, now: Date())
        job.status = .succeeded
        return .finished
    }

    /// The PREVIEW_VIDEO proxy of a video, made in a temporary file and stored as a blob: a
    /// completed row, or a failed one with the reason (the poster and thumbnails stand).
    private func previewVideo(assetId: Int64, versionId: Int64, recipe: VideoProxyRecipe, media: any MediaEngine, source: URL,
                              payload: IngestPayload) throws -> Rendition {
        try mediaRendition(.previewVideo, assetId: assetId, versionId: versionId, recipeHash: PipelineDefinition.recipeHash(recipe),
                           format: "mp4", source: source, payload: payload) { row in
            try Self.inTemporaryFile(named: "stockroom-preview-video", extension: "mp4") { output in
                let facts = try media.makeVideoProxy(fileAt: source, recipe: recipe, to: output)
                let stored = try blobs.put(contentsOf: output)
                row.width = facts.width
                row.height = facts.height
                return stored
            }
        }
    }

    /// The WAVEFORM picture of an audio file: a completed row, or a failed one with the reason.
    private func waveform(assetId: Int64, versionId: Int64, recipe: WaveformRecipe, media: any MediaEngine, source: URL,
                          payload: IngestPayload) throws -> Rendition {
        try mediaRendition(.waveform, assetId: assetId, versionId: versionId, recipeHash: PipelineDefinition.recipeHash(recipe),
                           format: recipe.format.rawValue, quality: recipe.quality, source: source, payload: payload) { row in
            let image = try media.makeWaveform(fileAt: source, recipe: recipe)
            let stored = try blobs.put(image.data)
            row.width = image.width
            row.height = image.height
            return stored
        }
    }

    /// The PREVIEW_AUDIO proxy of an audio file, made in a temporary file and stored as a blob.
    private func previewAudio(assetId: Int64, versionId: Int64, recipe: AudioProxyRecipe, media: any MediaEngine, source: URL,
                              payload: IngestPayload) throws -> Rendition {
        // MP4 holding audio only: served (and named) as audio/mp4, so the page gives it an <audio>.
        try mediaRendition(.previewAudio, assetId: assetId, versionId: versionId, recipeHash: PipelineDefinition.recipeHash(recipe),
                           format: "m4a", source: source, payload: payload) { row in
            try Self.inTemporaryFile(named: "stockroom-preview-audio", extension: "m4a") { output in
                let facts = try media.makeAudioProxy(fileAt: source, recipe: recipe, to: output)
                let stored = try blobs.put(contentsOf: output)
                row.durationSeconds = facts.durationSeconds
                return stored
            }
        }
    }

    /// A rendition one media call makes: `make` produces and stores it (filling in what it
    /// learned, such as the size) and the row is completed with the blob; a media error leaves a
    /// failed row with the reason, and the asset's other renditions stand.
    private func mediaRendition(_ type: RenditionType, assetId: Int64, versionId: Int64, recipeHash: String, format: String,
                                quality: Int? = nil, source: URL, payload: IngestPayload,
                                make: (inout Rendition) throws -> StoredBlob) throws -> Rendition {
        var row = Rendition(assetId: assetId, versionId: versionId, renditionType: type, recipeHash: recipeHash, status: .failed, now: Date())
        row.format = format
        row.quality = quality
        do {
            let stored = try make(&row)
            row.status = .completed
            row.blobHash = stored.hash
            row.byteSize = stored.byteSize
        } catch let error as MediaError {
            row.error = FailureReason(Self.naming(error.description, file: source, as: payload)).summary
        }
        return row
    }

    /// Runs `body` with the path of a temporary file that is removed afterwards, whatever happens.
    private static func inTemporaryFile<T>(named prefix: String, extension ext: String, _ body: (URL) throws -> T) rethrows -> T {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).\(ext)")
        defer { try? FileManager.default.removeItem(at: output) }
        return try body(output)
    }

    /// Libraries name the file they read, which is the blob: a reason names the file as people know it.
    static func naming(_ reason: String, file: URL, as payload: IngestPayload) -> String {
        guard let name = (payload.relativePath ?? payload.sourcePath).map({ ($0 as NSString).lastPathComponent }) else { return reason }
        return reason.replacingOccurrences(of: file.path, with: name)
    }

    private func event(_ job: Job, _ payload: IngestPayload, outcome: IngestOutcome, reason: String? = nil) -> PipelineEvent {
        PipelineEvent(job: job, payload: payload, outcome: outcome, reason: reason)
    }

    /// The library's pipeline as its file says now: a long-running `serve` picks up edits (and
    /// `render --stale` jobs it runs use the edited recipes) without a restart.
    private func definition(libraryId: Int64) throws -> PipelineDefinition {
        let name = try libraries.library(id: libraryId)?.pipeline ?? "default"
        let file = try pipelines.file(named: name)
        let version = PipelineFileVersion(file)
        if let cached = cache.definition(name), cached.version == version { return cached.definition }
        let definition = try PipelineDirectory.load(file)
        cache.store((definition, version), as: name)
        return definition
    }

    /// Which file, as of which change, a cached definition was read from.
    private struct PipelineFileVersion: Equatable {
        let path: String
        let modified: Date?
        let size: Int?

        init(_ url: URL) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            path = url.path
            modified = attributes?[.modificationDate] as? Date
            size = (attributes?[.size] as? NSNumber)?.intValue
        }
    }

    private func mediaEngine(_ definition: PipelineDefinition) throws -> any MediaEngine {
        try cache.engine(for: definition.mediaConfiguration, orMake: makeMediaEngine)
    }

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var definitions: [String: (definition: PipelineDefinition, version: PipelineFileVersion)] = [:]
        private var engines: [String: any MediaEngine] = [:]

        func definition(_ name: String) -> (definition: PipelineDefinition, version: PipelineFileVersion)? {
            lock.withLock { definitions[name] }
        }
        func store(_ entry: (definition: PipelineDefinition, version: PipelineFileVersion), as name: String) {
            lock.withLock { definitions[name] = entry }
        }

        /// Made under the lock: workers starting together share one engine per configuration.
        func engine(for configuration: MediaEngineConfiguration, orMake make: MediaEngineFactory) throws(MediaError) -> any MediaEngine {
            lock.lock()
            defer { lock.unlock() }
            if let engine = engines["\(configuration)"] { return engine }
            let engine = try make(configuration)
            engines["\(configuration)"] = engine
            return engine
        }
    }
}

/// A flag workers check between jobs, set on SIGINT/SIGTERM for a graceful stop.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var actions: [@Sendable () -> Void] = []

    public init() {}

    public var isStopped: Bool { lock.withLock { stopped } }

    public func stop() {
        let run = lock.withLock { () -> [@Sendable () -> Void] in
            guard !stopped else { return [] }
            stopped = true
            defer { actions = [] }
            return actions
        }
        for action in run { action() }
    }

    /// Runs `action` when the signal is set (at once if it already is).
    public func whenStopped(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if stopped { return true }
            actions.append(action)
            return false
        }
        if now { action() }
    }
}

extension Logger {
    func with(_ metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (k, v) in metadata { copy[metadataKey: k] = v }
        return copy
    }
}

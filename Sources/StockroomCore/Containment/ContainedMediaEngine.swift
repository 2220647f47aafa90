import Foundation
import StockroomMedia

/// The media engine the service uses: every describe and render runs in a supervised worker
/// process (`MediaWorkerPool`), so a file that crashes, exhausts or hangs a decoder costs that
/// worker, never the process holding the catalog, the HTTP server or the watch loop.
///
/// Replies are not trusted: counts, names, sizes and byte ranges are checked against the request
/// before anything reaches the pipeline.
public final class ContainedMediaEngine: MediaEngine {
    public let configuration: MediaEngineConfiguration
    public let pool: MediaWorkerPool

    public init(configuration: MediaEngineConfiguration, pool: MediaWorkerPool) {
        self.configuration = configuration
        self.pool = pool
    }

    public func describe(fileAt url: URL, sidecar: URL?) throws(MediaError) -> MediaDescription {
        let step = MediaWorkStep.describing(url)
        let result = try pool.perform(step: step, configuration: configuration, needsScratch: false,
                                      work: { _ in .describe(file: url.path, sidecar: sidecar?.path) }) {
            reply, body, _ throws(MediaWorkerViolation) -> Result<MediaDescription, MediaError> in
            guard body.isEmpty else { throw MediaWorkerViolation("a description with a body of \(body.count) bytes") }
            switch reply.result {
            case let .described(description): return .success(description)
            case let .failed(error): return .failure(error)
            case .rendered, .renderedFirst, .videoProxy, .audioProxy, .waveform: throw MediaWorkerViolation("renditions in reply to a describe request")
            }
        }
        return try result.get(translating: step, limits: pool.limits)
    }

    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome] {
        guard !recipes.isEmpty else { return [] }
        let step = MediaWorkStep.rendering(description)
        let limits = pool.limits
        let result = try pool.perform(step: step, configuration: configuration, needsScratch: true, work: { scratch in
            .render(file: url.path, description: description, recipes: recipes, scratchDirectory: scratch?.url.path ?? "",
                    inlineByteLimit: limits.inlineByteLimit, first: [])
        }) { reply, body, scratch throws(MediaWorkerViolation) -> Result<[RenditionOutcome], MediaError> in
            switch reply.result {
            case let .rendered(outcomes):
                return .success(try Self.accept(outcomes, body: body, scratch: scratch, recipes: recipes, limits: limits))
            case let .failed(error):
                return .failure(error)
            case .described, .renderedFirst, .videoProxy, .audioProxy, .waveform:
                throw MediaWorkerViolation("a description or a video in reply to a render request")
            }
        }
        return try result.get(translating: step, limits: limits)
    }

    /// One request, two replies: the worker sends the `first` recipes' outcomes as soon as they
    /// are made (handed to `deliverFirst` at once, while the worker goes on), then the others'.
    /// A worker that dies after the first reply is replaced and asked for the others only.
    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe],
                       deliveringFirst first: Set<String>, to deliverFirst: ([RenditionOutcome]) -> Void) throws(MediaError) -> [RenditionOutcome] {
        let early = recipes.filter { first.contains($0.name) }
        let rest = recipes.filter { !first.contains($0.name) }
        guard !early.isEmpty, !rest.isEmpty else {
            let outcomes = try render(fileAt: url, description: description, recipes: recipes)
            let (firstOutcomes, others) = RenditionOutcome.split(outcomes, first: first)
            deliverFirst(firstOutcomes)
            return others
        }
        let step = MediaWorkStep.rendering(description)
        let limits = pool.limits
        // The early reply is handled while the request is in flight, in a closure the pool keeps
        // no longer than the request.
        let performed = withoutActuallyEscaping(deliverFirst) { deliver -> Result<Result<[RenditionOutcome], MediaError>, MediaError> in
            var delivered = false
            do throws(MediaError) {
                return .success(try pool.perform(step: step, configuration: configuration, needsScratch: true, work: { scratch in
                    .render(file: url.path, description: description, recipes: delivered ? rest : recipes,
                            scratchDirectory: scratch?.url.path ?? "", inlineByteLimit: limits.inlineByteLimit,
                            first: delivered ? [] : early.map(\.name))
                }, interim: { reply, body, scratch throws(MediaWorkerViolation) in
                    guard !delivered, case let .renderedFirst(outcomes) = reply.result else {
                        throw MediaWorkerViolation("a second early reply, or one after the retry")
                    }
                    let accepted = try Self.accept(outcomes, body: body, scratch: scratch, recipes: early, limits: limits)
                    guard accepted.count == early.count else {
                        throw MediaWorkerViolation("\(accepted.count) early outcomes for \(early.count) recipes")
                    }
                    delivered = true
                    deliver(accepted)
                }) { reply, body, scratch throws(MediaWorkerViolation) -> Result<[RenditionOutcome], MediaError> in
                    switch reply.result {
                    case let .rendered(outcomes):
                        guard delivered else { throw MediaWorkerViolation("the final reply of a render before its early one") }
                        return .success(try Self.accept(outcomes, body: body, scratch: scratch, recipes: rest, limits: limits))
                    case let .failed(error):
                        return .failure(error)
                    case .described, .renderedFirst, .videoProxy, .audioProxy, .waveform:
                        throw MediaWorkerViolation("a description or a video in reply to a render request")
                    }
                })
            } catch {
                return .failure(error)
            }
        }
        return try performed.get().get(translating: step, limits: limits)
    }

    public func makeVideoProxy(fileAt url: URL, recipe: VideoProxyRecipe, to output: URL) throws(MediaError) -> VideoProxyFacts {
        let step = MediaWorkStep(decoder: "the video decoder", activity: "making the preview video")
        let limits = pool.limits
        let result = try pool.perform(step: step, configuration: configuration, needsScratch: true, work: { scratch in
            .videoProxy(file: url.path, recipe: recipe, scratchDirectory: scratch?.url.path ?? "")
        }) { reply, body, scratch throws(MediaWorkerViolation) -> Result<VideoProxyFacts, MediaError> in
            guard body.isEmpty else { throw MediaWorkerViolation("a preview video with a body of \(body.count) bytes") }
            switch reply.result {
            case let .videoProxy(facts, bytes):
                guard (2...8_192).contains(facts.width), (2...recipe.maxHeight).contains(facts.height),
                      facts.durationSeconds.isFinite, facts.durationSeconds >= 0,
                      facts.durationSeconds <= (recipe.durationSeconds ?? .greatestFiniteMagnitude) + 1 else {
                    throw MediaWorkerViolation("a preview video of \(facts.width)×\(facts.height), \(facts.durationSeconds) s")
                }
                guard case let .file(name, count) = bytes, let scratch else {
                    throw MediaWorkerViolation("a preview video that is not a file in the scratch directory")
                }
                try scratch.moveOutput(name: name, count: count, cap: limits.outputFileBytes, to: output)
                return .success(facts)
            case let .failed(error):
                return .failure(error)
            case .described, .rendered, .renderedFirst, .audioProxy, .waveform:
                throw MediaWorkerViolation("a description or images in reply to a preview-video request")
            }
        }
        return try result.get(translating: step, limits: limits)
    }

    public func makeAudioProxy(fileAt url: URL, recipe: AudioProxyRecipe, to output: URL) throws(MediaError) -> AudioProxyFacts {
        let step = MediaWorkStep(decoder: "the audio decoder", activity: "making the preview audio")
        let limits = pool.limits
        let result = try pool.perform(step: step, configuration: configuration, needsScratch: true, work: { scratch in
            .audioProxy(file: url.path, recipe: recipe, scratchDirectory: scratch?.url.path ?? "")
        }) { reply, body, scratch throws(MediaWorkerViolation) -> Result<AudioProxyFacts, MediaError> in
            guard body.isEmpty else { throw MediaWorkerViolation("a preview audio with a body of \(body.count) bytes") }
            switch reply.result {
            case let .audioProxy(facts, bytes):
                guard facts.durationSeconds.isFinite, facts.durationSeconds > 0,
                      facts.durationSeconds <= (recipe.durationSeconds ?? .greatestFiniteMagnitude) + 1 else {
                    throw MediaWorkerViolation("a preview audio of \(facts.durationSeconds) s")
                }
                guard case let .file(name, count) = bytes, let scratch else {
                    throw MediaWorkerViolation("a preview audio that is not a file in the scratch directory")
                }
                try scratch.moveOutput(name: name, count: count, cap: limits.outputFileBytes, to: output)
                return .success(facts)
            case let .failed(error):
                return .failure(error)
            case .described, .rendered, .renderedFirst, .videoProxy, .waveform:
                throw MediaWorkerViolation("a description, images or a video in reply to a preview-audio request")
            }
        }
        return try result.get(translating: step, limits: limits)
    }

    public func makeWaveform(fileAt url: URL, recipe: WaveformRecipe) throws(MediaError) -> RenderedImage {
        let step = MediaWorkStep(decoder: "the audio decoder", activity: "drawing the waveform")
        let limits = pool.limits
        let result = try pool.perform(step: step, configuration: configuration, needsScratch: false, work: { _ in
            .waveform(file: url.path, recipe: recipe)
        }) { reply, body, _ throws(MediaWorkerViolation) -> Result<RenderedImage, MediaError> in
            switch reply.result {
            case let .waveform(facts):
                guard facts.name == "WAVEFORM", facts.width == recipe.width, facts.height == recipe.height,
                      facts.format == recipe.format, case let .inline(offset, count) = facts.bytes,
                      offset == 0, count > 0, count == body.count, count <= limits.inlineByteLimit else {
                    throw MediaWorkerViolation("a waveform of \(facts.width)×\(facts.height) that does not match its recipe or body")
                }
                return .success(RenderedImage(name: facts.name, data: body, width: facts.width, height: facts.height,
                                              format: facts.format, quality: facts.quality))
            case let .failed(error):
                return .failure(error)
            case .described, .rendered, .renderedFirst, .videoProxy, .audioProxy:
                throw MediaWorkerViolation("a description, images or a video in reply to a waveform request")
            }
        }
        return try result.get(translating: step, limits: limits)
    }

    /// Checks every outcome against the recipes asked for and fetches its bytes.
    static func accept(_ outcomes: [MediaWorkerProtocol.Outcome], body: Data, scratch: ScratchDirectory?,
                       recipes: [RenditionRecipe], limits: MediaWorkerLimits) throws(MediaWorkerViolation) -> [RenditionOutcome] {
        let asked = Set(recipes.map(\.name))
        guard outcomes.count <= recipes.count else {
            throw MediaWorkerViolation("\(outcomes.count) outcomes for \(recipes.count) recipes")
        }
        var seen = Set<String>()
        var accepted: [RenditionOutcome] = []
        for outcome in outcomes {
            switch outcome {
            case let .failed(name, reason):
                guard asked.contains(name), seen.insert(name).inserted else { throw MediaWorkerViolation("an outcome for \(name.prefix(40)), not asked for or twice") }
                accepted.append(.failed(name: name, reason: String(reason.prefix(64 << 10))))
            case let .rendered(facts):
                guard asked.contains(facts.name), seen.insert(facts.name).inserted else {
                    throw MediaWorkerViolation("an image for \(facts.name.prefix(40)), not asked for or twice")
                }
                guard (1...65_535).contains(facts.width), (1...65_535).contains(facts.height), (1...100).contains(facts.quality) else {
                    throw MediaWorkerViolation("an image of \(facts.width)×\(facts.height) at quality \(facts.quality)")
                }
                let data: Data
                switch facts.bytes {
                case let .inline(offset, count):
                    guard offset >= 0, count > 0, offset <= body.count, count <= body.count - offset else {
                        throw MediaWorkerViolation("bytes \(offset)+\(count) outside a body of \(body.count)")
                    }
                    data = body.subdata(in: (body.startIndex + offset)..<(body.startIndex + offset + count))
                case let .file(name, count):
                    guard let scratch else { throw MediaWorkerViolation("an output file without a scratch directory") }
                    data = try scratch.readOutput(name: name, count: count, cap: limits.outputFileBytes)
                }
                accepted.append(.rendered(RenderedImage(name: facts.name, data: data, width: facts.width, height: facts.height,
                                                        format: facts.format, quality: facts.quality)))
            }
        }
        return accepted
    }
}

extension Result where Failure == MediaError {
    /// The worker's answer, with an allocation failure it reported put in terms of its limit.
    func get(translating step: MediaWorkStep, limits: MediaWorkerLimits) throws(MediaError) -> Success {
        switch self {
        case let .success(value):
            return value
        case let .failure(error):
            if case .workerFailed = error { throw error }
            if MemoryExhaustion.mentioned(in: error.description) {
                throw .workerFailed("needs more memory than the worker limit of \(MediaWorkerLimits.text(bytes: limits.memoryBytes)) "
                    + "(\(step.decoder) ran out while \(step.activity)): \(error.description)")
            }
            throw error
        }
    }
}

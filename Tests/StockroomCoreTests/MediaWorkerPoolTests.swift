import Foundation
import Testing
@testable import StockroomCore
import StockroomMedia
import StockroomTestSupport

/// The contained engine against real `stockroom media-worker` processes: the same answers as
/// the engine in process, and every way a worker can die turned into a reason.
@Suite("Media workers: supervised processes behind the MediaEngine protocol", .serialized)
struct MediaWorkerPoolTests {
    let dir = TemporaryDirectory()
    let configuration = MediaEngineConfiguration()
    let recipes = [
        RenditionRecipe(name: "SMALL", width: 150, format: .jpeg, quality: 80),
        RenditionRecipe(name: "SQUARE", width: 300, height: 300, fit: .cover, format: .webp, quality: 80),
    ]

    private func hooks() throws -> URL {
        let url = dir.url.appendingPathComponent("hook-state-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// How `body` failed, run off the cooperative pool (media requests block for seconds).
    private func failure(_ body: @escaping @Sendable () throws -> Void) async throws -> MediaError? {
        try await MediaWorkerFixtures.offPool { () -> MediaError? in
            do {
                try body()
                return nil
            } catch let error as MediaError {
                return error
            } catch {
                return nil
            }
        }
    }

    private func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await MediaWorkerFixtures.offPool(body)
    }

    @Test("a worker describes and renders exactly what the engine in process does, inline or through scratch files")
    func sameAnswersAsInProcess() async throws {
        let file = Corpus.file("images/orientation-landscape-6.jpg")
        let configuration = self.configuration, recipes = self.recipes
        let local = try LibMediaEngine(configuration: configuration)
        let pool = Fixtures.mediaPool()
        let contained = ContainedMediaEngine(configuration: configuration, pool: pool)
        let description = try await run { try contained.describe(fileAt: file, sidecar: nil) }
        #expect(description == (try await run { try local.describe(fileAt: file, sidecar: nil) }))
        let rendered = try await run { try contained.render(fileAt: file, description: description, recipes: recipes) }
        let expected = try await run { try local.render(fileAt: file, description: description, recipes: recipes) }
        #expect(rendered == expected)
        #expect(rendered.count == 2)

        // Outputs above the inline limit come back as files in a scratch directory the
        // supervisor made; the bytes are the same.
        let byFile = Fixtures.mediaPool(limits: MediaWorkerLimits(inlineByteLimit: 0))
        let throughFiles = try await run {
            try ContainedMediaEngine(configuration: configuration, pool: byFile).render(fileAt: file, description: description, recipes: recipes)
        }
        #expect(throughFiles == expected)
        #expect(pool.workerProcessIDs.count == 1, "one worker served both requests")
        let roots = [pool.scratchRootURL, byFile.scratchRootURL].compactMap { $0 }
        #expect(roots.count == 2)
        pool.shutdown()
        byFile.shutdown()
        for root in roots {
            #expect(!FileManager.default.fileExists(atPath: root.path), "scratch directories are removed: \(root.path)")
        }
    }

    @Test("a render naming first recipes: their outcomes come in an early reply, before the rest, the same bytes as one render (inline and through scratch files)")
    func earlyReply() async throws {
        let file = Corpus.file("images/orientation-landscape-6.jpg")
        let configuration = self.configuration
        let recipes = self.recipes + [RenditionRecipe(name: "LARGE", width: 1200, format: .webp, quality: 80),
                                      RenditionRecipe(name: "TINY", width: 64, format: .png, quality: 80)]
        let local = try LibMediaEngine(configuration: configuration)
        let description = try await run { try local.describe(fileAt: file, sidecar: nil) }
        let expected = try await run { try local.render(fileAt: file, description: description, recipes: recipes) }
        let first: Set<String> = ["SMALL", "TINY"]
        for limits in [MediaWorkerLimits(), MediaWorkerLimits(inlineByteLimit: 0)] {
            let pool = Fixtures.mediaPool(limits: limits)
            let contained = ContainedMediaEngine(configuration: configuration, pool: pool)
            let (early, rest, order) = try await run { () -> ([RenditionOutcome], [RenditionOutcome], [String]) in
                let order = LockedList()
                var early: [RenditionOutcome] = []
                let rest = try contained.render(fileAt: file, description: description, recipes: recipes, deliveringFirst: first) {
                    early = $0
                    order.append("early")
                }
                order.append("returned")
                return (early, rest, order.items)
            }
            #expect(order == ["early", "returned"])
            #expect(early == expected.filter { first.contains($0.recipeName) }, "inline limit \(limits.inlineByteLimit)")
            #expect(rest == expected.filter { !first.contains($0.recipeName) }, "inline limit \(limits.inlineByteLimit)")
            #expect(early.count == 2 && rest.count == 2)
            // One request answered twice.
            #expect(pool.requestsSent == 1)
            pool.shutdown()
        }
        // In process, the same split.
        let order = LockedList()
        let rest = try await run {
            try local.render(fileAt: file, description: description, recipes: recipes, deliveringFirst: first) { early in
                order.append(early.map(\.recipeName).joined(separator: ","))
            }
        }
        #expect(order.items == ["SMALL,TINY"])
        #expect(rest == expected.filter { !first.contains($0.recipeName) })
    }

    @Test("a worker killed after its early reply: the first outcomes are delivered once, a fresh worker is asked for the rest only")
    func killedAfterEarlyReply() async throws {
        let file = try MediaWorkerFixtures.hooked("images/orientation-landscape-6.jpg", action: "SIGKILL-once", step: "renderedFirst",
                                                  to: dir.url.appendingPathComponent("killed-after-early.jpg"))
        let configuration = self.configuration, recipes = self.recipes
        let pool = Fixtures.mediaPool(testHooks: try hooks())
        let contained = ContainedMediaEngine(configuration: configuration, pool: pool)
        let description = try await run { try contained.describe(fileAt: file, sidecar: nil) }
        let expected = try await run { try LibMediaEngine(configuration: configuration).render(fileAt: file, description: description, recipes: recipes) }
        let (deliveries, rest) = try await run { () -> ([[RenditionOutcome]], [RenditionOutcome]) in
            var deliveries: [[RenditionOutcome]] = []
            let rest = try contained.render(fileAt: file, description: description, recipes: recipes, deliveringFirst: ["SMALL"]) {
                deliveries.append($0)
            }
            return (deliveries, rest)
        }
        #expect(deliveries == [expected.filter { $0.recipeName == "SMALL" }])
        #expect(rest == expected.filter { $0.recipeName != "SMALL" })
        // describe, the render whose worker died after its early reply, the rest on a new worker.
        #expect(pool.requestsSent == 3)
        #expect(pool.startedWorkerCount == 2)
        pool.shutdown()
    }

    @Test("prestarted workers serve the first requests; none is started twice")
    func prestart() async throws {
        let pool = Fixtures.mediaPool()
        pool.prestart(2)
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        async let first = run { try engine.describe(fileAt: Corpus.file("images/flower.webp"), sidecar: nil) }
        async let second = run { try engine.describe(fileAt: Corpus.file("images/cmyk.jpg"), sidecar: nil) }
        #expect(try await first.format == "webp")
        #expect(try await second.format == "jpeg")
        #expect(pool.startedWorkerCount == 2)
        #expect(pool.workerProcessIDs.count == 2)
    }

    @Test("a worker limits itself before touching a file: address space as configured, no core files")
    func limitsInForce() async throws {
        let pool = Fixtures.mediaPool(limits: MediaWorkerLimits(memoryBytes: 1536 << 20))
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        _ = try await run { try engine.describe(fileAt: Corpus.file("images/flower.webp"), sidecar: nil) }
        let pid = try #require(pool.workerProcessIDs.first)
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let addressSpace = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max address space") })
        #expect(addressSpace.contains("\(1536 << 20)"), "\(addressSpace)")
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ").contains("0"), "\(core)")
        // Its own process group: a Ctrl-C on the terminal reaches the supervisor, not the workers.
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        #expect(Int32(fields[2]) == pid, "process group of the worker")
        // Only pipes and the runtime's event descriptors are open in it: no catalog file, no socket.
        for descriptor in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)")
            #expect(target.hasPrefix("pipe:") || target.hasPrefix("anon_inode:"), "descriptor \(descriptor) → \(target)")
        }
    }

    @Test("a worker that segfaults is replaced, the request retried once, then failed with a reason a person reads")
    func segfaultIsContained() async throws {
        let pool = Fixtures.mediaPool(testHooks: try hooks())
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        let crashing = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "SIGSEGV", step: "render",
                                                      to: dir.file("crash.jpg"))
        let recipes = self.recipes
        let description = try await run { try engine.describe(fileAt: crashing, sidecar: nil) }
        let error = try await failure { _ = try engine.render(fileAt: crashing, description: description, recipes: recipes) }
        #expect(error == .workerFailed("the image decoder (JPEG) crashed (SIGSEGV) while making the renditions (retried once)"))
        #expect(pool.startedWorkerCount == 2, "the first worker and its replacement for the retry")
        // The pool goes on serving.
        let fine = Corpus.file("images/flower.webp")
        #expect(try await run { try engine.render(fileAt: fine, description: try engine.describe(fileAt: fine, sidecar: nil), recipes: recipes) }.count == 2)
    }

    @Test("a crash on the first try only: the retry on a fresh worker succeeds")
    func retrySucceeds() async throws {
        let pool = Fixtures.mediaPool(testHooks: try hooks())
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        let once = try MediaWorkerFixtures.hooked("images/orientation-landscape-1.jpg", action: "SIGABRT-once", step: "describe",
                                                  to: dir.file("once.jpg"))
        let description = try await run { try engine.describe(fileAt: once, sidecar: nil) }
        #expect(description.image?.width == 1800)
        #expect(pool.startedWorkerCount == 2)
    }

    @Test("a worker killed from outside, one that hangs past the time limit, one that breaks the protocol")
    func otherDeaths() async throws {
        let recipes = self.recipes
        let pool = Fixtures.mediaPool(testHooks: try hooks())
        let quick = MediaEngineConfiguration(timeLimitSeconds: 1)
        let engine = ContainedMediaEngine(configuration: quick, pool: pool)

        let stalling = try MediaWorkerFixtures.hooked("video/sample.mp4", action: "stall", step: "describe", to: dir.file("stall.mp4"))
        let started = Date()
        let hung = try await failure { _ = try engine.describe(fileAt: stalling, sidecar: nil) }
        #expect(hung == .workerFailed("the video decoder did not finish within 3 s while reading the file's metadata; its worker was stopped (retried once)"))
        #expect(Date().timeIntervalSince(started) < 20)

        let killer = Thread {
            // SIGKILL whichever worker is busy, twice (the first try and the retry).
            var killed = Set<Int32>()
            let deadline = Date().addingTimeInterval(30)
            while killed.count < 2 && Date() < deadline {
                for pid in pool.busyWorkerProcessIDs where !killed.contains(pid) {
                    kill(pid, SIGKILL)
                    killed.insert(pid)
                }
                usleep(20_000)
            }
        }
        let patient = ContainedMediaEngine(configuration: MediaEngineConfiguration(timeLimitSeconds: 60), pool: pool)
        let stallingRender = try MediaWorkerFixtures.hooked("video/sample.mp4", action: "stall", step: "render", to: dir.file("stall-render.mp4"))
        let description = try await run { try patient.describe(fileAt: stallingRender, sidecar: nil) }
        killer.start()
        let killed = try await failure { _ = try patient.render(fileAt: stallingRender, description: description, recipes: recipes) }
        #expect(killed == .workerFailed("the video decoder was killed (SIGKILL) while making the poster frame (retried once)"))

        let garbage = try MediaWorkerFixtures.hooked("images/flower.webp", action: "garbage", step: "describe", to: dir.file("garbage.webp"))
        guard case let .workerFailed(reason) = try await failure({ _ = try engine.describe(fileAt: garbage, sidecar: nil) }) else {
            Issue.record("a protocol violation must fail the request")
            return
        }
        #expect(reason.hasPrefix("the media worker sent an invalid reply while reading the file's metadata (a frame header of"), "\(reason)")
        #expect(reason.hasSuffix("it was stopped (retried once)"))
    }

    @Test("a file that needs more memory than the worker's cap fails with that reason; the service never sees it")
    func memoryCap() async throws {
        let recipes = self.recipes
        let pool = Fixtures.mediaPool(limits: MediaWorkerLimits(memoryBytes: 768 << 20))
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        let gif = try MediaWorkerFixtures.hugeFrameGIF(to: dir.file("huge.gif"))
        let description = try await run { try engine.describe(fileAt: gif, sidecar: nil) }
        #expect(description.image?.width == 14000)
        guard case let .workerFailed(reason) = try await failure({ _ = try engine.render(fileAt: gif, description: description, recipes: recipes) }) else {
            Issue.record("the render must fail")
            return
        }
        #expect(reason.hasPrefix("needs more memory than the worker limit of 768 MiB (the image decoder (GIF) ran out while making the renditions"), "\(reason)")
    }

    @Test("frames over the caps and output names that leave the scratch directory are refused")
    func distrust() throws {
        var buffer = MediaWorkerFrameBuffer(caps: MediaWorkerFrame.Caps(headerBytes: 1024, bodyBytes: 4096))
        buffer.append(Data([0, 0, 0x10, 0, 0, 0, 0, 0]))
        #expect(throws: MediaWorkerFrameError.tooLarge(part: "header", bytes: 4096, cap: 1024)) { try buffer.nextFrame() }

        var whole = MediaWorkerFrameBuffer(caps: MediaWorkerFrame.Caps())
        let frame = try MediaWorkerFrame(["hello": 1], body: Data([1, 2, 3]))
        let encoded = frame.encoded
        whole.append(encoded.prefix(5))
        #expect(try whole.nextFrame() == nil)
        whole.append(encoded.dropFirst(5))
        #expect(try whole.nextFrame() == frame)

        let scratch = try ScratchDirectory.make(in: dir.url, name: "scratch")
        try Data("secret".utf8).write(to: dir.file("outside.txt"))
        try FileManager.default.createSymbolicLink(atPath: scratch.url.appendingPathComponent("link").path, withDestinationPath: dir.file("outside.txt").path)
        for name in ["../outside.txt", "/etc/passwd", ".hidden", "link", "a/b"] {
            #expect(throws: MediaWorkerViolation.self, "\(name)") { try scratch.readOutput(name: name, count: 6, cap: 100) }
        }
        try Data("12345".utf8).write(to: scratch.url.appendingPathComponent("out.jpg"))
        #expect(throws: MediaWorkerViolation.self) { try scratch.readOutput(name: "out.jpg", count: 6, cap: 100) }
        #expect(try scratch.readOutput(name: "out.jpg", count: 5, cap: 100) == Data("12345".utf8))

        let facts = MediaWorkerProtocol.RenderedFacts(name: "SMALL", width: 10, height: 10, format: .jpeg, quality: 80,
                                                      bytes: .inline(offset: 2, count: 10))
        #expect(throws: MediaWorkerViolation.self) {
            try ContainedMediaEngine.accept([.rendered(facts)], body: Data(count: 8), scratch: nil, recipes: recipes, limits: MediaWorkerLimits())
        }
        var unasked = facts
        unasked.name = "NOT_ASKED"
        unasked.bytes = .inline(offset: 0, count: 4)
        #expect(throws: MediaWorkerViolation.self) {
            try ContainedMediaEngine.accept([.rendered(unasked)], body: Data(count: 8), scratch: nil, recipes: recipes, limits: MediaWorkerLimits())
        }
    }

    @Test("a missing worker binary is a failure with a reason, not a crash")
    func missingExecutable() async throws {
        let pool = MediaWorkerPool(executable: dir.file("no-such-stockroom"))
        let engine = ContainedMediaEngine(configuration: configuration, pool: pool)
        let error = try await failure { _ = try engine.describe(fileAt: Corpus.file("images/flower.webp"), sidecar: nil) }
        guard case let .workerFailed(reason) = error else {
            Issue.record("expected a worker failure, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("the media worker could not be started: "), "\(reason)")
    }

    @Test("byte counts for the memory cap", arguments: [
        ("2GiB", UInt64(2) << 30), ("768MiB", UInt64(768) << 20), ("1.5 G", UInt64(1536) << 20), ("1048576", UInt64(1 << 20)),
    ])
    func byteCounts(_ text: String, _ bytes: UInt64) {
        #expect(MediaWorkerLimits.parseByteCount(text) == bytes)
    }

    @Test("the memory cap from the command line, the environment, or the default")
    func memorySetting() throws {
        #expect(try MediaWorkerLimits.resolved(memory: nil, environment: [:]).memoryBytes == 2 << 30)
        #expect(try MediaWorkerLimits.resolved(memory: nil, environment: [MediaWorkerLimits.memoryEnvironmentKey: "1GiB"]).memoryBytes == 1 << 30)
        #expect(try MediaWorkerLimits.resolved(memory: "512MiB", environment: [MediaWorkerLimits.memoryEnvironmentKey: "1GiB"]).memoryBytes == 512 << 20)
        #expect(throws: DomainError.self) { try MediaWorkerLimits.resolved(memory: "lots", environment: [:]) }
        #expect(MediaWorkerLimits.text(bytes: 2 << 30) == "2 GiB")
        #expect(MediaWorkerLimits.text(bytes: 768 << 20) == "768 MiB")
    }
}

/// Strings appended from the thread a media call runs on, read after it.
private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ item: String) { lock.withLock { list.append(item) } }
    var items: [String] { lock.withLock { list } }
}

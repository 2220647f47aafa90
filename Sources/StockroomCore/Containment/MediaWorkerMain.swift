import Foundation
import StockroomMedia
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of containment: what `stockroom media-worker` runs. It limits itself before
/// touching any file, says hello, then answers requests from stdin on a private copy of stdout
/// until stdin ends. It owns no catalog and no socket; it only reads the files it is named and
/// writes into the scratch directories it is given.
public enum MediaWorkerMain {
    public typealias EngineFactory = (MediaEngineConfiguration) throws(MediaError) -> any MediaEngine

    /// Runs the worker; returns its exit status. `memoryBytes` becomes RLIMIT_AS.
    /// `closeInherited` is set when the supervisor could not close its descriptors at spawn.
    public static func run(protocolVersion: Int, memoryBytes: UInt64?, closeInherited: Bool = false,
                           makeEngine: EngineFactory) -> Int32 {
        if closeInherited { closeInheritedDescriptors() }
        // The command may run on a dispatch thread, which blocks most signals; the decoders'
        // threads inherit this thread's mask, and a crash or a limit must end the process.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        let limits = applyLimits(memoryBytes: memoryBytes)
        // Frames go to a private descriptor; anything a library prints to stdout lands on stderr.
        let output = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        guard output >= 0 else { return 70 }
        dup2(STDERR_FILENO, STDOUT_FILENO)
        watchParent()

        let hello = MediaWorkerProtocol.Hello(protocolVersion: MediaWorkerProtocol.version, pid: getpid(), limits: limits)
        guard write(frame: try? MediaWorkerFrame(hello), to: output) else { return 71 }
        guard protocolVersion == MediaWorkerProtocol.version else { return 72 }

        var engines: [MediaEngineConfiguration: any MediaEngine] = [:]
        let caps = MediaWorkerFrame.Caps()
        while true {
            let frame: MediaWorkerFrame
            switch readFrame(from: STDIN_FILENO, caps: caps) {
            case .endOfInput: return 0
            case .broken: return 73
            case let .frame(read): frame = read
            }
            guard let request = try? frame.decode(MediaWorkerProtocol.Request.self) else { return 74 }
            setCPULimit(seconds: request.cpuSeconds)
            let (result, body) = handle(request, engines: &engines, makeEngine: makeEngine, output: output)
            let reply = MediaWorkerProtocol.Reply(id: request.id, result: result)
            guard write(frame: try? MediaWorkerFrame(reply, body: body), to: output) else { return 75 }
        }
    }

    private static func handle(_ request: MediaWorkerProtocol.Request, engines: inout [MediaEngineConfiguration: any MediaEngine],
                               makeEngine: EngineFactory, output: Int32) -> (MediaWorkerProtocol.Result, Data) {
        let engine: any MediaEngine
        if let cached = engines[request.configuration] {
            engine = cached
        } else {
            do throws(MediaError) {
                engine = try makeEngine(request.configuration)
                engines[request.configuration] = engine
            } catch {
                return (.failed(error), Data())
            }
        }
        switch request.work {
        case let .describe(file, sidecar):
            if let (hook, state) = MediaWorkerTestHook.find(in: file) {
                hook.fire(at: .describe, file: file, stateDirectory: state, protocolOutput: output)
            }
            do throws(MediaError) {
                let description = try engine.describe(fileAt: URL(fileURLWithPath: file), sidecar: sidecar.map { URL(fileURLWithPath: $0) })
                return (.described(description), Data())
            } catch {
                return (.failed(error), Data())
            }
        case let .render(file, description, recipes, scratchDirectory, inlineByteLimit, first):
            let testHook = MediaWorkerTestHook.find(in: file)
            if let (hook, state) = testHook {
                hook.fire(at: .render, file: file, stateDirectory: state, protocolOutput: output)
            }
            var packer = RenderReplyPacker(scratchDirectory: scratchDirectory, inlineByteLimit: inlineByteLimit)
            let outcomes: [RenditionOutcome]
            do throws(MediaError) {
                if first.isEmpty {
                    outcomes = try engine.render(fileAt: URL(fileURLWithPath: file), description: description, recipes: recipes)
                } else {
                    outcomes = try engine.render(fileAt: URL(fileURLWithPath: file), description: description, recipes: recipes,
                                                 deliveringFirst: Set(first)) { early in
                        let (sent, body) = packer.pack(early)
                        let reply = MediaWorkerProtocol.Reply(id: request.id, result: .renderedFirst(sent))
                        // The supervisor is gone if its pipe is: nothing left to do.
                        guard write(frame: try? MediaWorkerFrame(reply, body: body), to: output) else { _exit(75) }
                        if let (hook, state) = testHook {
                            hook.fire(at: .renderedFirst, file: file, stateDirectory: state, protocolOutput: output)
                        }
                    }
                }
            } catch {
                return (.failed(error), Data())
            }
            let (sent, body) = packer.pack(outcomes)
            return (.rendered(sent), body)
        case let .videoProxy(file, recipe, scratchDirectory):
            let output = URL(fileURLWithPath: scratchDirectory).appendingPathComponent("preview-video.mp4")
            do throws(MediaError) {
                let facts = try engine.makeVideoProxy(fileAt: URL(fileURLWithPath: file), recipe: recipe, to: output)
                let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? NSNumber)?.intValue ?? 0
                guard size > 0 else { return (.failed(.io("the preview video came out empty")), Data()) }
                return (.videoProxy(facts, bytes: .file(name: output.lastPathComponent, count: size)), Data())
            } catch {
                return (.failed(error), Data())
            }
        case let .audioProxy(file, recipe, scratchDirectory):
            let output = URL(fileURLWithPath: scratchDirectory).appendingPathComponent("preview-audio.mp4")
            do throws(MediaError) {
                let facts = try engine.makeAudioProxy(fileAt: URL(fileURLWithPath: file), recipe: recipe, to: output)
                let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? NSNumber)?.intValue ?? 0
                guard size > 0 else { return (.failed(.io("the preview audio came out empty")), Data()) }
                return (.audioProxy(facts, bytes: .file(name: output.lastPathComponent, count: size)), Data())
            } catch {
                return (.failed(error), Data())
            }
        case let .waveform(file, recipe):
            do throws(MediaError) {
                let image = try engine.makeWaveform(fileAt: URL(fileURLWithPath: file), recipe: recipe)
                return (.waveform(MediaWorkerProtocol.RenderedFacts(
                    name: image.name, width: image.width, height: image.height, format: image.format, quality: image.quality,
                    bytes: .inline(offset: 0, count: image.data.count))), image.data)
            } catch {
                return (.failed(error), Data())
            }
        }
    }

    /// Puts outcomes into a reply: small images inline in the body, larger ones as files in the
    /// scratch directory, named uniquely across the replies of one request.
    private struct RenderReplyPacker {
        let scratchDirectory: String
        let inlineByteLimit: Int
        private var files = 0

        init(scratchDirectory: String, inlineByteLimit: Int) {
            self.scratchDirectory = scratchDirectory
            self.inlineByteLimit = inlineByteLimit
        }

        mutating func pack(_ outcomes: [RenditionOutcome]) -> ([MediaWorkerProtocol.Outcome], Data) {
            var body = Data()
            var sent: [MediaWorkerProtocol.Outcome] = []
            for outcome in outcomes {
                switch outcome {
                case let .failed(name, reason):
                    sent.append(.failed(name: name, reason: reason))
                case let .rendered(image):
                    let location: MediaWorkerProtocol.ByteLocation
                    if image.data.count <= inlineByteLimit {
                        location = .inline(offset: body.count, count: image.data.count)
                        body.append(image.data)
                    } else {
                        let name = "output-\(files).\(image.format.rawValue)"
                        files += 1
                        do throws(MediaError) {
                            try MediaWorkerMain.writeOutput(image.data, named: name, in: scratchDirectory)
                        } catch {
                            sent.append(.failed(name: image.name, reason: error.description))
                            continue
                        }
                        location = .file(name: name, count: image.data.count)
                    }
                    sent.append(.rendered(MediaWorkerProtocol.RenderedFacts(
                        name: image.name, width: image.width, height: image.height, format: image.format,
                        quality: image.quality, bytes: location)))
                }
            }
            return (sent, body)
        }
    }

    private static func writeOutput(_ data: Data, named name: String, in directory: String) throws(MediaError) {
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard writeAll(data, to: fd) else { throw .io("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    // MARK: - Limits

    /// RLIMIT_CORE 0 (a crash leaves no core file with a customer's pixels in it) and RLIMIT_AS,
    /// set before any file is opened; read back for the hello.
    private static func applyLimits(memoryBytes: UInt64?) -> MediaWorkerProtocol.AppliedLimits {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        if let memoryBytes {
            var cap = rlimit(rlim_cur: rlim_t(memoryBytes), rlim_max: rlim_t(memoryBytes))
            _ = setrlimit(Int32(RLIMIT_AS.rawValue), &cap)
        }
        func current(_ resource: __rlimit_resource) -> UInt64? {
            var value = rlimit()
            guard getrlimit(Int32(resource.rawValue), &value) == 0, value.rlim_cur != rlim_t.max else { return nil }
            return UInt64(value.rlim_cur)
        }
        return MediaWorkerProtocol.AppliedLimits(addressSpaceBytes: current(RLIMIT_AS), coreFileBytes: current(RLIMIT_CORE) ?? UInt64.max)
    }

    /// RLIMIT_CPU is counted over the process's life: each request gets the CPU time used so far
    /// plus its own allowance. The hard limit stays open so the next request can move it again.
    private static func setCPULimit(seconds: Int) {
        var usage = rusage()
        _ = getrusage(RUSAGE_SELF.rawValue, &usage)
        let used = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec) + 1
        var limit = rlimit(rlim_cur: rlim_t(used + max(1, seconds)), rlim_max: rlim_t.max)
        _ = setrlimit(Int32(RLIMIT_CPU.rawValue), &limit)
    }

    /// Everything but stdin, stdout and stderr, when the supervisor's glibc could not close them
    /// at spawn (before glibc 2.34).
    private static func closeInheritedDescriptors() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            if let fd = Int32(entry), fd > 2 { close(fd) }
        }
    }

    /// Exits when the supervisor is gone (its pipes may stay open in a hung library call).
    private static func watchParent() {
        let parent = getppid()
        let thread = Thread {
            while true {
                sleep(1)
                if getppid() != parent { _exit(0) }
            }
        }
        thread.name = "stockroom-worker-parent-watch"
        thread.start()
    }

    // MARK: - Frames

    private enum ReadResult {
        case frame(MediaWorkerFrame)
        case endOfInput
        case broken
    }

    private static func readFrame(from fd: Int32, caps: MediaWorkerFrame.Caps) -> ReadResult {
        guard let prefix = readExactly(MediaWorkerFrame.prefixLength, from: fd) else { return .endOfInput }
        guard let (headerLength, bodyLength) = try? MediaWorkerFrame.lengths(ofPrefix: prefix, caps: caps),
              let header = readExactly(headerLength, from: fd),
              let body = readExactly(bodyLength, from: fd) else { return .broken }
        return .frame(MediaWorkerFrame(header: header, body: body))
    }

    private static func readExactly(_ count: Int, from fd: Int32) -> Data? {
        var data = Data(count: count)
        guard count > 0 else { return data }
        let complete = data.withUnsafeMutableBytes { raw -> Bool in
            var offset = 0
            while offset < count {
                let got = read(fd, raw.baseAddress! + offset, count - offset)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { return false }
                offset += got
            }
            return true
        }
        return complete ? data : nil
    }

    private static func write(frame: MediaWorkerFrame?, to fd: Int32) -> Bool {
        guard let frame else { return false }
        return writeAll(frame.encoded, to: fd)
    }

    private static func writeAll(_ data: Data, to fd: Int32) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}

import Foundation
import Logging
import StockroomMedia
#if canImport(Glibc)
import Glibc
#endif

/// The supervisor of the media workers: a long-lived pool of `stockroom media-worker` processes,
/// one per pipeline thread that needs one (started on first use, kept between files).
///
/// A request goes to an idle worker; if the worker dies (a signal, its memory or CPU limit, a
/// protocol error, a hang past the time limit), it is reaped, a fresh one is started and the
/// request is sent once more; a second death ends the request with a reason a person reads.
/// See Docs/architecture.md, "Containment".
public final class MediaWorkerPool: @unchecked Sendable {
    public let executable: URL
    public let limits: MediaWorkerLimits
    private let environment: [String: String]
    private let logger: Logger

    /// Guards the state below; signalled when a prestarted worker becomes idle.
    private let lock = NSCondition()
    private var idle: [MediaWorkerProcess] = []
    private var busy: [ObjectIdentifier: MediaWorkerProcess] = [:]
    private var interruptions = 0
    private var isShutDown = false
    private var nextRequestId: UInt64 = 1
    private var scratchRoot: URL?
    private var started = 0
    /// Workers `prestart` is starting right now.
    private var starting = 0

    /// `executable` is a `stockroom` binary (the running one: `currentExecutable`).
    /// `environment` is added to the workers' inherited environment.
    public init(executable: URL, limits: MediaWorkerLimits = MediaWorkerLimits(), environment: [String: String] = [:],
                logger: Logger = Logger(label: "stockroom.media-worker")) {
        self.executable = executable
        self.limits = limits
        var merged = ProcessInfo.processInfo.environment
        // A crashing worker should die at once, not run the Swift backtracer; and glibc's
        // per-thread malloc arenas would otherwise reserve much of the address-space cap.
        merged["SWIFT_BACKTRACE"] = "enable=no"
        merged["MALLOC_ARENA_MAX"] = "2"
        for (key, value) in environment { merged[key] = value }
        self.environment = merged
        self.logger = logger
        // Writing to a worker that just died must be an error to handle, not a signal that
        // ends the supervisor.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        shutdown()
    }

    /// The binary this process runs, to start workers from.
    public static var currentExecutable: URL {
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: resolved)
    }

    /// Process ids of the running workers (idle and busy), for diagnostics and tests.
    public var workerProcessIDs: [Int32] { lock.withLock { (idle + busy.values).map(\.pid) } }
    /// Process ids of the workers serving a request right now.
    public var busyWorkerProcessIDs: [Int32] { lock.withLock { busy.values.map(\.pid) } }
    /// Workers started so far, replacements included.
    public var startedWorkerCount: Int { lock.withLock { started } }
    /// Requests sent to workers so far, retries included.
    public var requestsSent: Int { lock.withLock { Int(nextRequestId) - 1 } }
    /// Where this pool's scratch directories are made, once it has made one.
    var scratchRootURL: URL? { lock.withLock { scratchRoot } }

    /// Starts workers in the background until `count` are running, so the first files do not
    /// wait for a worker to start (a command calls this with its number of pipeline threads).
    public func prestart(_ count: Int) {
        let missing = lock.withLock { () -> Int in
            let missing = isShutDown ? 0 : max(0, count - idle.count - busy.count - starting)
            starting += missing
            return missing
        }
        guard missing > 0 else { return }
        for _ in 0..<missing {
            Thread { [self] in
                let spawned = spawn()
                let keep = lock.withLock { () -> Bool in
                    starting -= 1
                    lock.broadcast()
                    guard case let .success(worker) = spawned else { return false }
                    started += 1
                    guard !isShutDown else { return false }
                    idle.append(worker)
                    return true
                }
                if !keep, case let .success(worker) = spawned { worker.terminate() }
            }.start()
        }
    }

    /// Stops the work in hand at once: busy workers are killed and their requests fail as
    /// interrupted (the pipeline puts such jobs back in the queue). Idle workers stay.
    public func interrupt() {
        lock.withLock {
            interruptions += 1
            for worker in busy.values { worker.interrupt() }
        }
    }

    /// Ends every worker and removes the scratch directories. Requests after this fail.
    public func shutdown() {
        // Busy workers are killed here and reaped by the threads talking to them.
        let (idleWorkers, root) = lock.withLock { () -> ([MediaWorkerProcess], URL?) in
            isShutDown = true
            lock.broadcast()
            let idleWorkers = idle
            idle = []
            for worker in busy.values { worker.interrupt() }
            return (idleWorkers, scratchRoot)
        }
        for worker in idleWorkers { worker.terminate() }
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    /// Runs one request on a worker, retrying once on a fresh worker if the first dies.
    /// `accept` checks and converts the reply while the worker is still checked out; a reply it
    /// refuses counts as a protocol error of that worker. `interim` takes an early reply
    /// (`renderedFirst`) the same way; `work` is asked again for the retry, so it can leave out
    /// what an early reply already delivered.
    func perform<Value>(step: MediaWorkStep, configuration: MediaEngineConfiguration, needsScratch: Bool,
                        work: (ScratchDirectory?) -> MediaWorkerProtocol.Work,
                        interim: ((MediaWorkerProtocol.Reply, Data, ScratchDirectory?) throws(MediaWorkerViolation) -> Void)? = nil,
                        accept: (MediaWorkerProtocol.Reply, Data, ScratchDirectory?) throws(MediaWorkerViolation) -> Value) throws(MediaError) -> Value {
        let generation = lock.withLock { interruptions }
        var deaths: [MediaWorkerDeath] = []
        for _ in 0..<2 {
            let worker: MediaWorkerProcess
            switch try checkout() {
            case let .success(started): worker = started
            case let .failure(death):
                deaths.append(death)
                logger.error("cannot start a media worker", metadata: ["reason": "\(death.reason(step))"])
                continue
            }
            let scratch = needsScratch ? try makeScratch() : nil
            defer { scratch?.remove() }
            let request = MediaWorkerProtocol.Request(id: requestId(), cpuSeconds: MediaWorkerLimits.cpuSeconds(configuration),
                                                      configuration: configuration, work: work(scratch))
            let death: MediaWorkerDeath
            var early: ((MediaWorkerProtocol.Reply, Data) throws(MediaWorkerViolation) -> Void)?
            if let interim {
                early = { reply, body throws(MediaWorkerViolation) in try interim(reply, body, scratch) }
            }
            switch worker.exchange(request, withinSeconds: MediaWorkerLimits.wallClockSeconds(configuration), interim: early) {
            case let .success((reply, body)):
                do throws(MediaWorkerViolation) {
                    let value = try accept(reply, body, scratch)
                    checkin(worker)
                    return value
                } catch {
                    death = worker.kill(because: .protocolViolation(error.description))
                }
            case let .failure(died):
                death = died
            }
            discard(worker)
            deaths.append(death)
            let interrupted = lock.withLock { interruptions != generation }
            if interrupted || death.cause == .interrupted {
                throw .workerFailed(MediaWorkerDeath(cause: .interrupted, stderrTail: "", memoryLimitBytes: limits.memoryBytes).reason(step))
            }
            logger.warning("media worker died", metadata: [
                "pid": "\(worker.pid)", "reason": "\(death.reason(step))",
                "stderr": "\(death.stderrTail.split(separator: "\n").suffix(3).joined(separator: " | "))",
            ])
        }
        let reason = deaths.last.map { $0.reason(step) } ?? "the media worker failed"
        throw .workerFailed(deaths.count > 1 ? "\(reason) (retried once)" : reason)
    }

    private func requestId() -> UInt64 {
        lock.withLock {
            defer { nextRequestId += 1 }
            return nextRequestId
        }
    }

    private func checkout() throws(MediaError) -> Result<MediaWorkerProcess, MediaWorkerDeath> {
        let (reused, shutDown) = lock.withLock { () -> (MediaWorkerProcess?, Bool) in
            // A worker being prestarted is closer to ready than a new one would be.
            while idle.isEmpty && starting > 0 && !isShutDown { lock.wait() }
            guard !isShutDown else { return (nil, true) }
            guard let worker = idle.popLast() else { return (nil, false) }
            busy[ObjectIdentifier(worker)] = worker
            return (worker, false)
        }
        if shutDown { throw .workerFailed("the media workers have been shut down") }
        if let reused { return .success(reused) }
        switch spawn() {
        case let .failure(death):
            return .failure(death)
        case let .success(worker):
            let accepted = lock.withLock { () -> Bool in
                started += 1
                guard !isShutDown else { return false }
                busy[ObjectIdentifier(worker)] = worker
                return true
            }
            guard accepted else {
                worker.terminate()
                throw .workerFailed("the media workers have been shut down")
            }
            logger.debug("media worker started", metadata: ["pid": "\(worker.pid)"])
            return .success(worker)
        }
    }

    /// A supervisor killed with SIGKILL leaves its scratch directories behind; the next one
    /// removes those whose process is gone.
    private static func removeScratchOfDeadSupervisors(in parent: URL) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in entries where entry.hasPrefix("stockroom-media-") {
            let fields = entry.dropFirst("stockroom-media-".count).split(separator: "-")
            guard let pid = fields.first.flatMap({ Int32($0) }), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    private func spawn() -> Result<MediaWorkerProcess, MediaWorkerDeath> {
        let arguments = ["media-worker", "--protocol-version", "\(MediaWorkerProtocol.version)", "--memory-bytes", "\(limits.memoryBytes)"]
        return MediaWorkerProcess.start(executable: executable, arguments: arguments, environment: environment, limits: limits)
    }

    private func checkin(_ worker: MediaWorkerProcess) {
        let keep = lock.withLock { () -> Bool in
            busy[ObjectIdentifier(worker)] = nil
            guard !isShutDown else { return false }
            idle.append(worker)
            return true
        }
        if !keep { worker.terminate() }
    }

    private func discard(_ worker: MediaWorkerProcess) {
        lock.withLock { busy[ObjectIdentifier(worker)] = nil }
    }

    private func makeScratch() throws(MediaError) -> ScratchDirectory {
        lock.lock()
        let root: URL
        if let existing = scratchRoot {
            root = existing
        } else {
            root = FileManager.default.temporaryDirectory
                .appendingPathComponent("stockroom-media-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
            guard mkdir(root.path, 0o700) == 0 else {
                lock.unlock()
                throw .io("cannot create the media scratch directory \(root.path): \(String(cString: strerror(errno)))")
            }
            scratchRoot = root
            Self.removeScratchOfDeadSupervisors(in: root.deletingLastPathComponent())
        }
        let id = nextRequestId
        lock.unlock()
        return try ScratchDirectory.make(in: root, name: "request-\(id)-\(UUID().uuidString.prefix(8))")
    }
}

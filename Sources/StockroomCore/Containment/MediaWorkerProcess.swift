import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One running media worker, seen from the supervisor: its pid and the three pipes to it.
///
/// Started with `posix_spawn` in its own process group (a Ctrl-C on the terminal reaches the
/// supervisor, which decides what the workers do) with every descriptor but the pipes closed,
/// so no catalog file or socket is ever inside a worker. One thread talks to it at a time;
/// `interrupt()` may come from any thread.
final class MediaWorkerProcess: @unchecked Sendable {
    let pid: pid_t
    private(set) var hello: MediaWorkerProtocol.Hello?
    private let limits: MediaWorkerLimits
    private var input: Int32
    private let output: Int32
    private let errors: Int32
    private var errorsOpen = true
    private var frames: MediaWorkerFrameBuffer
    private var stderrTail = Data()
    private static let stderrTailBytes = 16 << 10

    private let lock = NSLock()
    private var reaped = false
    private var exitStatus: Int32 = 0
    /// Why the supervisor killed it, when it did.
    private var supervisorCause: MediaWorkerDeath.Cause?

    private init(pid: pid_t, input: Int32, output: Int32, errors: Int32, limits: MediaWorkerLimits) {
        self.pid = pid
        self.input = input
        self.output = output
        self.errors = errors
        self.limits = limits
        self.frames = MediaWorkerFrameBuffer(caps: limits.frameCaps)
    }

    deinit {
        if !isReaped { _ = Glibc.kill(pid, SIGKILL); waitForExit(seconds: 5) }
        if input >= 0 { close(input) }
        close(output)
        close(errors)
    }

    /// Starts `executable arguments…` and waits for its hello.
    static func start(executable: URL, arguments: [String], environment: [String: String],
                      limits: MediaWorkerLimits) -> Result<MediaWorkerProcess, MediaWorkerDeath> {
        func failure(_ detail: String) -> Result<MediaWorkerProcess, MediaWorkerDeath> {
            .failure(MediaWorkerDeath(cause: .startFailed(detail), stderrTail: "", memoryLimitBytes: limits.memoryBytes))
        }
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            return failure("\(executable.path) is not an executable file")
        }
        guard let toWorker = LinuxCalls.closeOnExecPipe() else { return failure("pipe: \(String(cString: strerror(errno)))") }
        guard let fromWorker = LinuxCalls.closeOnExecPipe() else {
            close(toWorker.read); close(toWorker.write)
            return failure("pipe: \(String(cString: strerror(errno)))")
        }
        guard let errorsFromWorker = LinuxCalls.closeOnExecPipe() else {
            for fd in [toWorker.read, toWorker.write, fromWorker.read, fromWorker.write] { close(fd) }
            return failure("pipe: \(String(cString: strerror(errno)))")
        }
        // Replies carry a file's renditions (megabytes): a 1 MiB pipe instead of 64 KiB saves
        // a wake-up of each side per 64 KiB, which a loaded machine makes expensive.
        _ = fcntl(fromWorker.write, LinuxCalls.setPipeSize, Int32(1 << 20))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toWorker.read, 0)
        posix_spawn_file_actions_adddup2(&actions, fromWorker.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errorsFromWorker.write, 2)
        let closedAtSpawn = LinuxCalls.closeFrom(3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGXCPU, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments + (closedAtSpawn ? [] : ["--close-inherited"]))
            .map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        close(toWorker.read)
        close(fromWorker.write)
        close(errorsFromWorker.write)
        guard spawned == 0 else {
            close(toWorker.write); close(fromWorker.read); close(errorsFromWorker.read)
            return failure("posix_spawn \(executable.path): \(String(cString: strerror(spawned)))")
        }
        for fd in [fromWorker.read, errorsFromWorker.read] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        let process = MediaWorkerProcess(pid: pid, input: toWorker.write, output: fromWorker.read, errors: errorsFromWorker.read, limits: limits)
        switch process.readFrame(withinSeconds: limits.startupSeconds) {
        case let .failure(death):
            var failed = death
            if case .hung = death.cause { failed.cause = .startFailed("no hello within \(Int(limits.startupSeconds)) s") }
            if case .exited = death.cause {
                failed.cause = .startFailed("it exited at start: \(process.stderrText.split(separator: "\n").last.map(String.init) ?? "no message")")
            }
            return .failure(failed)
        case let .success(frame):
            do {
                let hello = try frame.decode(MediaWorkerProtocol.Hello.self)
                guard hello.protocolVersion == MediaWorkerProtocol.version else {
                    return .failure(process.kill(because: .startFailed(
                        "it speaks protocol version \(hello.protocolVersion), this Stockroom speaks \(MediaWorkerProtocol.version)")))
                }
                guard hello.pid == pid else {
                    return .failure(process.kill(because: .protocolViolation("its hello names pid \(hello.pid), not \(pid)")))
                }
                guard let cap = hello.limits.addressSpaceBytes, cap <= limits.memoryBytes, hello.limits.coreFileBytes == 0 else {
                    return .failure(process.kill(because: .startFailed(
                        "it could not limit itself (address space \(hello.limits.addressSpaceBytes.map(String.init) ?? "unlimited"), core files \(hello.limits.coreFileBytes.map(String.init) ?? "unlimited"))")))
                }
                process.hello = hello
                return .success(process)
            } catch {
                return .failure(process.kill(because: .protocolViolation("its hello is not valid: \(error)")))
            }
        }
    }

    /// Sends one request and waits up to `seconds` for its reply; past that the worker is killed
    /// as hung. Any death, or anything the protocol does not allow, comes back as a failure.
    /// A `renderedFirst` reply before the final one goes to `interim` (the time limit covers
    /// both); one it refuses, or any when none is expected, is a protocol error.
    func exchange(_ request: MediaWorkerProtocol.Request, withinSeconds seconds: Double,
                  interim: ((MediaWorkerProtocol.Reply, Data) throws(MediaWorkerViolation) -> Void)? = nil)
        -> Result<(MediaWorkerProtocol.Reply, body: Data), MediaWorkerDeath> {
        let frame: Data
        do { frame = try MediaWorkerFrame(request).encoded } catch {
            return .failure(kill(because: .protocolViolation("cannot encode the request: \(error)")))
        }
        if !writeAll(frame) {
            return .failure(death(afterExit: true))
        }
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            switch readFrame(withinSeconds: seconds, until: deadline) {
            case let .failure(death):
                return .failure(death)
            case let .success(reply):
                let decoded: MediaWorkerProtocol.Reply
                do {
                    decoded = try reply.decode(MediaWorkerProtocol.Reply.self)
                } catch {
                    return .failure(kill(because: .protocolViolation("a reply that is not valid: \(String(describing: error).prefix(200))")))
                }
                guard decoded.id == request.id else {
                    return .failure(kill(because: .protocolViolation("a reply to request \(decoded.id) while \(request.id) was asked")))
                }
                if case .renderedFirst = decoded.result {
                    guard let interim else { return .failure(kill(because: .protocolViolation("an early reply to a request that asked for none"))) }
                    do throws(MediaWorkerViolation) {
                        try interim(decoded, reply.body)
                    } catch {
                        return .failure(kill(because: .protocolViolation(error.description)))
                    }
                    continue
                }
                guard frames.isEmpty else { return .failure(kill(because: .protocolViolation("it sent more than one reply"))) }
                return .success((decoded, reply.body))
            }
        }
    }

    /// Kills the worker from another thread because the run is stopping; the thread talking to it
    /// sees an interrupted death.
    func interrupt() {
        lock.withLock {
            guard !reaped else { return }
            if supervisorCause == nil { supervisorCause = .interrupted }
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// Ends an idle worker: closes its input (it exits on end of file), then kills it if it lingers.
    func terminate(graceSeconds: Double = 1) {
        if input >= 0 {
            close(input)
            input = -1
        }
        if !waitForExit(seconds: graceSeconds) {
            lock.withLock {
                if !reaped { _ = Glibc.kill(pid, SIGKILL) }
            }
            waitForExit(seconds: 5)
        }
    }

    /// What the worker last wrote to stderr.
    var stderrText: String { String(decoding: stderrTail, as: UTF8.self) }

    var isReaped: Bool { lock.withLock { reaped } }

    /// Kills the worker for `cause` and reports its death as that cause.
    func kill(because cause: MediaWorkerDeath.Cause) -> MediaWorkerDeath {
        lock.withLock {
            if supervisorCause == nil { supervisorCause = cause }
            if !reaped { _ = Glibc.kill(pid, SIGKILL) }
        }
        return death(afterExit: true)
    }

    // MARK: - Pipes

    private func writeAll(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written = write(input, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// The next frame, by `deadline` (default: `seconds` from now); past it the worker is killed
    /// as hung for `seconds`.
    private func readFrame(withinSeconds seconds: Double, until deadline: Date? = nil) -> Result<MediaWorkerFrame, MediaWorkerDeath> {
        let deadline = deadline ?? Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            do {
                if let frame = try frames.nextFrame() { return .success(frame) }
            } catch {
                return .failure(kill(because: .protocolViolation(error.description)))
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                return .failure(kill(because: .hung(seconds: seconds)))
            }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
            if errorsOpen { fds.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 3600) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failure(kill(because: .protocolViolation("poll: \(String(cString: strerror(errno)))")))
            }
            if ready == 0 { continue }
            if errorsOpen, fds[1].revents != 0 { drainErrors(&chunk) }
            if fds[0].revents != 0 {
                let count = read(output, &chunk, chunk.count)
                if count > 0 {
                    frames.append(Data(chunk[0..<count]))
                } else if count == 0 {
                    return .failure(death(afterExit: true))
                } else if errno != EAGAIN && errno != EINTR {
                    return .failure(death(afterExit: true))
                }
            }
        }
    }

    private func drainErrors(_ chunk: inout [UInt8]) {
        while true {
            let count = read(errors, &chunk, chunk.count)
            if count > 0 {
                stderrTail.append(contentsOf: chunk[0..<count])
                if stderrTail.count > Self.stderrTailBytes { stderrTail = Data(stderrTail.suffix(Self.stderrTailBytes)) }
                continue
            }
            if count == 0 { errorsOpen = false }
            return
        }
    }

    // MARK: - Exit

    /// Waits for the worker to exit (it closed its output or was killed) and says how it died.
    private func death(afterExit: Bool) -> MediaWorkerDeath {
        if !waitForExit(seconds: 5) {
            lock.withLock {
                if supervisorCause == nil { supervisorCause = .protocolViolation("it closed its output but kept running") }
                if !reaped { _ = Glibc.kill(pid, SIGKILL) }
            }
            waitForExit(seconds: 10)
        }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        if errorsOpen { drainErrors(&chunk) }
        let (status, cause) = lock.withLock { (exitStatus, supervisorCause) }
        let observed: MediaWorkerDeath.Cause
        if let cause {
            observed = cause
        } else if status & 0x7f != 0 {
            observed = .signal(status & 0x7f)
        } else {
            observed = .exited((status >> 8) & 0xff)
        }
        return MediaWorkerDeath(cause: observed, stderrTail: stderrText, memoryLimitBytes: limits.memoryBytes)
    }

    /// Reaps the worker if it has exited within `seconds`. Reaping and `interrupt()` share the
    /// lock, so a pid is never signalled after it was reaped (and perhaps reused).
    @discardableResult
    private func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let done = lock.withLock { () -> Bool in
                if reaped { return true }
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno == ECHILD) {
                    reaped = true
                    exitStatus = status
                    return true
                }
                return false
            }
            if done { return true }
            if Date() >= deadline { return false }
            usleep(5_000)
        }
    }
}

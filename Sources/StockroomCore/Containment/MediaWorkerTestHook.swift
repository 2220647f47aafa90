import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Real faults a worker commits on request, for tests of the supervisor: a file whose last bytes
/// carry `STOCKROOM-TEST-HOOK:<action>:<describe|render|renderedFirst>` makes the worker raise a signal on itself,
/// hang, or break the protocol at that step.
///
/// Off unless the worker's environment names a state directory in
/// `STOCKROOM_MEDIA_WORKER_TEST_HOOKS`: production workers never look for the marker.
/// `<action>-once` fires only the first time for a file (the state directory remembers), so a
/// test can see the retry succeed.
struct MediaWorkerTestHook: Equatable {
    static let environmentKey = "STOCKROOM_MEDIA_WORKER_TEST_HOOKS"
    static let marker = "STOCKROOM-TEST-HOOK:"

    enum Action: String {
        /// raise(SIGSEGV), abort() (as a library does on a failed assertion), raise(SIGKILL).
        case segv = "SIGSEGV", abort = "SIGABRT", kill = "SIGKILL"
        /// Sleep for an hour: a hang, ended by the supervisor's time limit or an outside kill.
        case stall
        /// Reply with a frame whose declared length is over any cap.
        case garbage
    }

    enum Step: String {
        case describe, render
        /// Just after a render's `renderedFirst` reply was sent (the grid thumbnails are out).
        case renderedFirst
    }

    var action: Action
    var step: Step
    var once: Bool

    /// The hook in the last bytes of `path`, if hooks are on.
    static func find(in path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> (MediaWorkerTestHook, stateDirectory: String)? {
        guard let state = environment[environmentKey], !state.isEmpty,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: size > 256 ? size - 256 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        guard let range = tail.range(of: marker, options: .backwards) else { return nil }
        let fields = tail[range.upperBound...].prefix { !$0.isNewline }.split(separator: ":")
        guard fields.count == 2 else { return nil }
        var actionName = String(fields[0])
        let once = actionName.hasSuffix("-once")
        if once { actionName.removeLast(5) }
        guard let action = Action(rawValue: actionName), let step = Step(rawValue: String(fields[1])) else { return nil }
        return (MediaWorkerTestHook(action: action, step: step, once: once), state)
    }

    /// Commits the fault if it belongs to `step` (and, for `-once`, has not fired for this file).
    func fire(at step: Step, file: String, stateDirectory: String, protocolOutput: Int32) {
        guard step == self.step else { return }
        if once {
            let name = file.split(separator: "/").last.map(String.init) ?? "file"
            let token = "\(stateDirectory)/\(name).\(step.rawValue).fired"
            let fd = open(token, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return }
            close(fd)
        }
        switch action {
        case .segv: raise(SIGSEGV)
        case .abort: abort()
        case .kill: raise(SIGKILL)
        case .stall: sleep(3600)
        case .garbage:
            var bytes: [UInt8] = [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]
            _ = write(protocolOutput, &bytes, bytes.count)
            sleep(3600)
        }
    }
}

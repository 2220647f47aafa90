import Foundation

/// How a media worker stopped serving a request, as the supervisor saw it: an expected outcome
/// with a reason, not an exception.
struct MediaWorkerDeath: Error, Sendable, Equatable {
    enum Cause: Sendable, Equatable {
        /// Killed by a signal the supervisor did not send (a crash, the kernel, someone's `kill`).
        case signal(Int32)
        case exited(Int32)
        /// Past the wall-clock limit; the supervisor killed it.
        case hung(seconds: Double)
        /// It sent something the protocol does not allow; the supervisor killed it.
        case protocolViolation(String)
        /// The run is stopping; the supervisor killed it to let go of the job.
        case interrupted
        /// It could not be started or did not complete the handshake.
        case startFailed(String)
    }

    var cause: Cause
    /// The last lines the worker wrote to stderr: libraries' own last words.
    var stderrTail: String
    /// The worker's memory cap, to recognise "ran out of memory" however it surfaced.
    var memoryLimitBytes: UInt64

    /// Whether the worker ran into its address-space cap: the allocators' messages on stderr
    /// (glib's g_malloc, the Swift runtime, libstdc++) or a kill by the kernel's OOM killer.
    var ranOutOfMemory: Bool {
        switch cause {
        case .signal, .exited: MemoryExhaustion.mentioned(in: stderrTail)
        case .hung, .protocolViolation, .interrupted, .startFailed: false
        }
    }

    /// One line: "the video decoder crashed (SIGSEGV) while making the poster frame".
    func reason(_ step: MediaWorkStep) -> String {
        if ranOutOfMemory {
            return "needs more memory than the worker limit of \(MediaWorkerLimits.text(bytes: memoryLimitBytes)) (\(step.decoder) ran out while \(step.activity))"
        }
        switch cause {
        case let .signal(number) where number == SIGKILL:
            return "\(step.decoder) was killed (SIGKILL) while \(step.activity)"
        case let .signal(number) where number == SIGXCPU:
            return "\(step.decoder) used up its CPU-time limit (SIGXCPU) while \(step.activity)"
        case let .signal(number):
            return "\(step.decoder) crashed (\(Self.signalName(number))) while \(step.activity)"
        case let .exited(status):
            return "the media worker exited unexpectedly (status \(status)) while \(step.activity)"
        case let .hung(seconds):
            return "\(step.decoder) did not finish within \(Int(seconds.rounded())) s while \(step.activity); its worker was stopped"
        case let .protocolViolation(detail):
            return "the media worker sent an invalid reply while \(step.activity) (\(detail)); it was stopped"
        case .interrupted:
            return "stopped while \(step.activity): Stockroom is shutting down"
        case let .startFailed(detail):
            return "the media worker could not be started: \(detail)"
        }
    }

    static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGILL: "SIGILL",
            SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
            SIGTRAP: "SIGTRAP", SIGSYS: "SIGSYS", SIGPIPE: "SIGPIPE", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT",
        ]
        return names[number] ?? "signal \(number)"
    }
}

/// Messages by which allocators and libraries report that memory ran out.
enum MemoryExhaustion {
    static let phrases = [
        "out of memory", "cannot allocate memory", "could not allocate memory", "failed to allocate",
        "memory allocation failed", "unable to allocate", "std::bad_alloc", "memory exhausted", "insufficient memory",
    ]

    static func mentioned(in text: String) -> Bool {
        let lowered = text.lowercased()
        return phrases.contains { lowered.contains($0) }
    }
}

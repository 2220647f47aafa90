internal import CVips

/// The moment a file's processing must end, on the monotonic clock libvips (g_get_monotonic_time)
/// and libav (av_gettime_relative) both read, in microseconds.
struct Deadline: Sendable {
    let limitSeconds: Double
    let monotonicMicroseconds: Int64

    init(seconds: Double) {
        limitSeconds = seconds
        let now = Int64(g_get_monotonic_time())
        let span = seconds.isFinite ? max(0, min(seconds, 1e9)) * 1_000_000 : 1e15
        monotonicMicroseconds = now + Int64(span)
    }

    var hasPassed: Bool { Int64(g_get_monotonic_time()) > monotonicMicroseconds }

    func check() throws(MediaError) {
        if hasPassed { throw .timedOut(seconds: limitSeconds) }
    }
}

import Foundation

/// Claim throughput of a job queue (`stockroom debug bench-queue`): `jobs` jobs are enqueued,
/// then `claimers` threads each claim and finish jobs until none is left. Every claim is a
/// real lease taken in the database, every finish a real update; the figure is claims (each
/// with its finish) per second of wall time over the claiming phase.
public enum JobQueueBenchmark {
    public struct Result: Codable, Sendable, Equatable {
        public var backend: String
        public var jobs: Int
        public var claimers: Int
        public var enqueueSeconds: Double
        public var claimSeconds: Double
        public var claimsPerSecond: Double
        /// Jobs claimed twice: must be zero.
        public var duplicateClaims: Int
    }

    public static func run(queue: any JobQueue, backend: String, jobs count: Int, claimers: Int) throws(DomainError) -> Result {
        let batch = "bench-\(UUID().uuidString.prefix(8))"
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        var enqueueError: DomainError?
        let enqueueTime = clock.measure {
            var next = 0
            while next < count && enqueueError == nil {
                let slice = (next..<min(count, next + 500)).map {
                    Job(stage: .store, payload: .object(["n": .number(Double($0))]), dedupeKey: "\(batch)-\($0)", batchId: batch)
                }
                do throws(DomainError) { _ = try queue.enqueue(slice) } catch { enqueueError = error }
                next += slice.count
            }
        }
        if let enqueueError { throw enqueueError }

        final class Outcome: @unchecked Sendable {
            let lock = NSLock()
            var claimed: [Int64] = []
            var failure: DomainError?
        }
        let outcome = Outcome()
        let done = DispatchGroup()
        let start = clock.now
        for claimer in 0..<max(1, claimers) {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let owner = LeaseOwner(host: "bench", pid: Int32(claimer), nonce: batch)
                var mine: [Int64] = []
                do throws(DomainError) {
                    while let job = try queue.claimJob(owner: owner, leaseSeconds: 300, batchId: batch, now: Date()) {
                        mine.append(job.id ?? -1)
                        try queue.finish(job, status: .succeeded, error: nil, now: Date())
                    }
                } catch {
                    outcome.lock.withLock { outcome.failure = outcome.failure ?? error }
                }
                outcome.lock.withLock { outcome.claimed += mine }
            }
            thread.start()
        }
        done.wait()
        let claimTime = seconds(clock.now - start)
        if let failure = outcome.failure { throw failure }
        let claimed = outcome.claimed
        return Result(backend: backend, jobs: count, claimers: max(1, claimers), enqueueSeconds: seconds(enqueueTime),
                      claimSeconds: claimTime, claimsPerSecond: Double(claimed.count) / max(claimTime, 1e-9),
                      duplicateClaims: claimed.count - Set(claimed).count)
    }
}

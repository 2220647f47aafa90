import Foundation
import Logging

/// Delivers webhooks: reads new activity into delivery jobs (`WebhookQueue`), claims due jobs,
/// POSTs each signed body, and finishes the job (2xx), puts it back with a longer delay (any
/// other answer, or none), or fails it for good (attempts used up, `410 Gone`, an endpoint no
/// longer configured). Runs on a thread of its own in `serve` and `watch`; `ingest` makes one
/// pass with a deadline when its batch is done, and what is left is retried by the next runner.
public final class WebhookDispatcher: Sendable {
    /// Delays between attempts: 10 s, 20 s, 40 s, … up to an hour, with ±20 % jitter.
    public struct Backoff: Sendable, Equatable {
        public var first: Double
        public var maximum: Double
        public var jitter: Bool

        public init(first: Double = 10, maximum: Double = 3_600, jitter: Bool = true) {
            self.first = first
            self.maximum = maximum
            self.jitter = jitter
        }

        public func delay(afterAttempt attempt: Int) -> Double {
            let base = min(maximum, first * pow(2, Double(max(0, attempt - 1))))
            return jitter ? base * Double.random(in: 0.8...1.2) : base
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var queued = 0
        public var delivered = 0
        public var retrying = 0
        public var failed = 0

        public init() {}
    }

    let queue: any WebhookQueue & JobQueue
    public let configuration: WebhookConfiguration
    let transport: WebhookTransport
    let backoff: Backoff
    let owner: LeaseOwner
    let logger: Logger
    static let leaseSeconds = 120.0

    public init(queue: any WebhookQueue & JobQueue, configuration: WebhookConfiguration, transport: WebhookTransport = WebhookTransport(),
                backoff: Backoff = Backoff(), owner: LeaseOwner = .current, logger: Logger = Logger(label: "stockroom.webhooks")) {
        self.queue = queue
        self.configuration = configuration
        self.transport = transport
        self.backoff = backoff
        self.owner = owner
        self.logger = logger
    }

    /// Queues what the activity log holds for the endpoints, then delivers due jobs until none is
    /// left or `deadline` passes. Blocking: call it on a thread of its own.
    public func deliverDue(until deadline: Date? = nil) -> Pass {
        var pass = Pass()
        guard !configuration.endpoints.isEmpty else { return pass }
        do {
            try queue.registerWebhookEndpoints(configuration.endpoints.map(\.id), now: Date())
            while true {
                let queued = try queue.queueWebhookDeliveries(for: configuration, limit: 500, now: Date())
                pass.queued += queued
                if queued < 500 { break }
            }
        } catch {
            logger.error("cannot queue webhook deliveries", metadata: ["error": "\(error)"])
        }
        while deadline.map({ Date() < $0 }) ?? true {
            let claimed: Job?
            do { claimed = try queue.claimWebhookJob(owner: owner, leaseSeconds: Self.leaseSeconds, now: Date()) } catch {
                logger.error("cannot claim a webhook delivery", metadata: ["error": "\(error)"])
                break
            }
            guard let job = claimed else { break }
            switch deliver(job) {
            case .succeeded: pass.delivered += 1
            case .queued: pass.retrying += 1
            case .failed: pass.failed += 1
            case .running: break
            }
        }
        return pass
    }

    /// Passes every `interval` until `stop` is signalled (the delivery in hand finishes first).
    public func run(stop: StopSignal, interval: TimeInterval = 1) {
        while !stop.isStopped {
            _ = deliverDue()
            var waited = 0.0
            while waited < interval, !stop.isStopped {
                Thread.sleep(forTimeInterval: 0.05)
                waited += 0.05
            }
        }
    }

    /// Runs `run(stop:)` on a new thread; `done` is called when it returns.
    public func start(stop: StopSignal, interval: TimeInterval = 1, done: @escaping @Sendable () -> Void = {}) {
        let thread = Thread { [self] in
            self.run(stop: stop, interval: interval)
            done()
        }
        thread.name = "stockroom-webhooks"
        thread.start()
    }

    /// One attempt of one claimed job; returns the job's status after it.
    func deliver(_ job: Job) -> JobStatus {
        let delivery: WebhookDelivery
        do { delivery = try job.payload.decode(WebhookDelivery.self) } catch {
            return fail(job, reason: "unreadable delivery: \(error)")
        }
        guard let endpoint = configuration.endpoint(id: delivery.endpointId) else {
            return fail(job, reason: "the endpoint \(delivery.url) is no longer in stockroom.yml")
        }
        let body = Data(delivery.body.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", "Stockroom-Webhooks/1"),
            ("X-Stockroom-Event", delivery.event.rawValue),
            ("X-Stockroom-Delivery", String(delivery.activityId)),
            ("X-Stockroom-Timestamp", String(timestamp)),
            ("X-Stockroom-Signature", WebhookSignature.sign(body: body, timestamp: timestamp, secret: endpoint.secret)),
        ]
        let log = logger.with(["event": "\(delivery.event.rawValue)", "delivery": "\(delivery.activityId)", "url": "\(endpoint.url.absoluteString)"])
        let reason: String
        do {
            let status = try transport.post(endpoint.url, headers: headers, body: body)
            if (200..<300).contains(status) {
                do { try queue.finish(job, status: .succeeded, error: nil, now: Date()) } catch {
                    log.error("delivered, but cannot record it", metadata: ["error": "\(error)"])
                }
                log.debug("webhook delivered", metadata: ["status": "\(status)"])
                return .succeeded
            }
            if status == 410 { return fail(job, reason: "the endpoint answered 410 Gone") }
            reason = "the endpoint answered HTTP \(status)"
        } catch {
            reason = "no answer: \(error)"
        }
        let delay = backoff.delay(afterAttempt: job.attempts)
        let status = (try? queue.retryOrFail(job, error: reason, delay: delay, now: Date())) ?? .failed
        if status == .failed {
            log.error("webhook delivery failed for good", metadata: ["reason": "\(reason)", "attempts": "\(job.attempts)"])
        } else {
            log.notice("webhook delivery will be retried", metadata: ["reason": "\(reason)", "in": "\(Int(delay)) s"])
        }
        return status
    }

    private func fail(_ job: Job, reason: String) -> JobStatus {
        logger.error("webhook delivery failed for good", metadata: ["job": "\(job.id ?? 0)", "reason": "\(reason)"])
        try? queue.finish(job, status: .failed, error: reason, now: Date())
        return .failed
    }
}

import Foundation
import StockroomCore

/// Webhook deliveries in the commands that run the pipeline (`serve` has `WebhookService`):
/// `watch` keeps a dispatcher thread beside its workers, `ingest` makes one pass when its batch
/// is done. Both only when stockroom.yml configures webhooks; what fails is retried later by
/// whichever of them runs next.
enum WebhookRunner {
    static func dispatcher(_ home: DataHome) -> WebhookDispatcher? {
        guard !home.webhooks.endpoints.isEmpty else { return nil }
        return WebhookDispatcher(queue: home.catalog, configuration: home.webhooks)
    }

    /// One pass of at most `seconds`, on a thread of its own (deliveries block on the network).
    static func deliverPending(_ home: DataHome, seconds: Double = 10) async {
        guard let dispatcher = dispatcher(home) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                _ = dispatcher.deliverDue(until: Date().addingTimeInterval(seconds))
                continuation.resume()
            }
            thread.name = "stockroom-webhooks"
            thread.start()
        }
    }

    /// Delivers until `stop` is signalled; `await` the returned task after stopping.
    static func start(_ home: DataHome, stop: StopSignal) -> Task<Void, Never>? {
        guard let dispatcher = dispatcher(home) else { return nil }
        return Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                dispatcher.start(stop: stop) { continuation.resume() }
            }
        }
    }
}

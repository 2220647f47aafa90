import ServiceLifecycle
import StockroomCore

/// Delivers the data home's webhooks (`webhooks:` in stockroom.yml) beside the HTTP server: the
/// dispatcher's thread reads new activity into delivery jobs and sends them, once a second. On
/// graceful shutdown the delivery in hand finishes; what is left stays queued for the next run.
public struct WebhookService: Service {
    let dispatcher: WebhookDispatcher

    public init(dispatcher: WebhookDispatcher) {
        self.dispatcher = dispatcher
    }

    public func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                dispatcher.start(stop: stop) { continuation.resume() }
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }
}

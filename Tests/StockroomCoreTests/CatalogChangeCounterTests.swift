import Foundation
import StockroomCore
import Testing

/// The change counter the share-link caches trust: overlapping reads of it (the server's
/// background refresh and a request's own) must never leave it at a version older than the
/// newest read that finished.
@Suite("Catalog change counter: overlapping reads")
struct CatalogChangeCounterTests {
    @Test func aReadThatBeganBeforeACommitAndEndsLastDoesNotPutTheOldVersionBack() async throws {
        let catalog = VersionCell(0)
        let slowReadMayEnd = DispatchSemaphore(value: 0)
        let slowReadBegan = DispatchSemaphore(value: 0)
        let slowReadEnded = DispatchSemaphore(value: 0)
        let calls = VersionCell(0)
        let counter = CatalogChangeCounter(maxAge: .seconds(60)) {
            let call = calls.increment()
            let version = catalog.value
            if call == 1 {
                slowReadBegan.signal()
                slowReadMayEnd.wait()
            }
            return version
        }
        // The first read takes version 0 and stalls; a commit moves the catalog to 1; a second
        // read sees 1 and ends; then the first ends.
        let slow = Thread { _ = try? counter.refresh(); slowReadEnded.signal() }
        slow.start()
        slowReadBegan.wait()
        catalog.value = 1
        #expect(try counter.refresh() == 1)
        #expect(counter.knownVersion() == 1)
        slowReadMayEnd.signal()
        slowReadEnded.wait()
        #expect(counter.knownVersion() == 1, "the read that began first ended last and must not win")
    }
}

private final class VersionCell: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64

    init(_ value: Int64) { stored = value }

    var value: Int64 {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    func increment() -> Int64 {
        lock.withLock {
            stored += 1
            return stored
        }
    }
}

import Foundation
import RuntimeState
import Synchronization

/// Events accepted over HTTP and kept in the state file's `ingest_queue` until the run has
/// committed their output: the input of `enrich run --serve`.
///
/// ``append(_:)`` makes a request's events durable in one transaction; the run reads them in
/// id order and removes them once its checkpoint (source ``checkpointSource``) has passed
/// them, so a restart resumes with every accepted event not yet written (at least once).
public final class EventQueue: Sendable {
    /// The checkpoint name the run records its progress through the queue under.
    public static let checkpointSource = "ingest"

    public let store: StateStore
    private let wakeup = DispatchSemaphore(value: 0)
    private let counts: Mutex<Counts>

    struct Counts {
        /// Rows in the table: accepted and not yet removed after their commit.
        var queued: Int
        var accepted: Int
    }

    public init(store: StateStore) throws {
        self.store = store
        counts = Mutex(Counts(queued: try store.queuedCount(), accepted: 0))
    }

    /// Appends one request's events, all or none; returns the id of the first.
    public func append(_ events: [[UInt8]]) throws -> Int64 {
        let first = try store.enqueue(events, receivedAt: Date())
        counts.withLock {
            $0.queued += events.count
            $0.accepted += events.count
        }
        wakeup.signal()
        return first
    }

    /// Events accepted but not yet removed (processed events leave within a fraction of a second).
    public var depth: Int { counts.withLock { $0.queued } }
    /// Events this process accepted.
    public var accepted: Int { counts.withLock { $0.accepted } }

    /// Up to `limit` events after `id`, without waiting.
    func events(after id: Int64, limit: Int) throws -> [QueuedEvent] {
        try store.queuedEvents(after: id, limit: limit)
    }

    /// Waits until events are appended, or `milliseconds` pass.
    func waitForAppend(milliseconds: Int) {
        _ = wakeup.wait(timeout: .now() + .milliseconds(milliseconds))
    }

    /// Removes the events the run has committed.
    func release(through id: Int64) throws {
        let removed = try store.removeQueued(through: id)
        if removed > 0 { counts.withLock { $0.queued = max(0, $0.queued - removed) } }
    }
}

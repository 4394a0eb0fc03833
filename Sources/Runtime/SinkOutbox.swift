import Foundation
import Synchronization

/// The run's output when a webhook sink delivers it: enriched events go into the state
/// file's `outbox` table in the same transaction as their batch's checkpoint.
///
/// Each event gets an idempotency key, `PREFIX` + its input line (or queue id), stable
/// across restarts, and carries it as `_idempotency_key`. The run waits while more than
/// ``limit`` events are undelivered, so a receiver that is down slows the run instead of
/// filling the disk.
public final class SinkOutbox: Sendable {
    public let keyPrefix: String
    public let limit: Int
    private let pendingCount: Atomic<Int>
    private let wakeup = DispatchSemaphore(value: 0)

    public init(keyPrefix: String, limit: Int, pending: Int) {
        self.keyPrefix = keyPrefix
        self.limit = max(1, limit)
        pendingCount = Atomic(pending)
    }

    /// Events committed to the outbox and not yet delivered or dead-lettered.
    public var pending: Int { pendingCount.load(ordering: .relaxed) }

    /// Called by the run after committing `count` events to the outbox.
    public func added(_ count: Int) {
        guard count > 0 else { return }
        pendingCount.add(count, ordering: .relaxed)
        wakeup.signal()
    }

    /// Called by the sink once `count` events are delivered or dead-lettered.
    public func removed(_ count: Int) {
        pendingCount.subtract(count, ordering: .relaxed)
    }

    /// Waits (up to `milliseconds`) for the run to commit more events.
    public func waitForEvents(milliseconds: Int) {
        _ = wakeup.wait(timeout: .now() + .milliseconds(milliseconds))
    }

    /// Waits while the outbox is over its limit.
    func waitForRoom(stop: StopFlag) async {
        while pending >= limit, !stop.isSet {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// The event line (without its newline) with `"_idempotency_key":KEY` added last.
    static func keyed(_ line: ArraySlice<UInt8>, key: String) -> [UInt8] {
        var bytes = Array(line)
        guard let close = bytes.lastIndex(of: UInt8(ascii: "}")) else { return bytes }
        var member = Array(",\"_idempotency_key\":\"".utf8)
        member.append(contentsOf: key.utf8)
        member.append(UInt8(ascii: "\""))
        bytes.insert(contentsOf: member, at: close)
        return bytes
    }
}

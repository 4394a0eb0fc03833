import Foundation
import Planner
import Synchronization

/// An agent's `concurrency` bound and `rate_limit`, shared by every event's calls.
final class AgentLimits: Sendable {
    private let slots: AsyncSemaphore?
    private let bucket: TokenBucket?

    init(_ agent: PlanAgent, appliesConcurrency: Bool) {
        slots = appliesConcurrency ? AsyncSemaphore(permits: max(1, agent.concurrency)) : nil
        bucket = agent.rateLimit.map { TokenBucket(count: $0.count, perSeconds: $0.perSeconds) }
    }

    var isEmpty: Bool { slots == nil && bucket == nil }

    /// Waits for a free slot and a token; pair with ``release()`` when it returns true.
    ///
    /// Returns false, having taken nothing, when the next token comes later than
    /// `maxWaitMicroseconds` (the event's deadline would pass while waiting).
    func acquire(maxWaitMicroseconds: Int64? = nil) async -> Bool {
        if let bucket {
            let limit = maxWaitMicroseconds.map { UInt64(max(0, $0)) * 1000 }
            guard let wait = bucket.reserve(now: DispatchTime.now().uptimeNanoseconds, maxWait: limit) else { return false }
            if wait > 0 { try? await Task.sleep(nanoseconds: wait) }
        }
        await slots?.wait()
        return true
    }

    func release() {
        slots?.signal()
    }
}

/// A counting semaphore for tasks: waiting suspends instead of blocking a thread.
final class AsyncSemaphore: Sendable {
    private struct State {
        var permits: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(permits: permits))
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.permits > 0 {
                    state.permits -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    func signal() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.permits += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// A token bucket as a generic cell rate algorithm: a burst of up to one period's
/// worth of calls, then one call per `period / count`.
final class TokenBucket: Sendable {
    private let interval: UInt64
    private let tolerance: UInt64
    private let theoreticalArrival = Mutex<UInt64>(0)

    init(count: Int, perSeconds: Int) {
        let count = UInt64(max(1, count))
        interval = UInt64(max(1, perSeconds)) * 1_000_000_000 / count
        tolerance = interval * (count - 1)
    }

    /// Reserves the next call and returns how long to wait before making it (ns), or nil
    /// without reserving when that wait would be longer than `maxWait`.
    func reserve(now: UInt64, maxWait: UInt64? = nil) -> UInt64? {
        theoreticalArrival.withLock { arrival in
            let start = max(arrival, now)
            let wait = start > now + tolerance ? start - tolerance - now : 0
            if let maxWait, wait > maxWait { return nil }
            arrival = start + interval
            return wait
        }
    }
}

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

    /// Why ``acquire(maxWaitMicroseconds:)`` took nothing.
    enum Refusal: Error {
        /// The next rate-limit token comes after the wait allowed.
        case rateLimit
        /// No concurrency slot came free within the wait allowed.
        case concurrency
    }

    /// Waits for a token and then a free slot; pair with ``release()`` when it succeeds.
    ///
    /// With `maxWaitMicroseconds` (what is left of the event's deadline), both waits
    /// together last at most that long: it fails, holding no slot, when the next token
    /// comes later or no slot comes free in time. A token already waited for stays spent.
    func acquire(maxWaitMicroseconds: Int64? = nil) async -> Result<Void, Refusal> {
        let began = DispatchTime.now().uptimeNanoseconds
        let limit = maxWaitMicroseconds.map { UInt64(max(0, $0)) * 1000 }
        if let bucket {
            guard let wait = bucket.reserve(now: began, maxWait: limit) else { return .failure(.rateLimit) }
            if wait > 0 { try? await Task.sleep(nanoseconds: wait) }
        }
        guard let slots else { return .success(()) }
        let left = limit.map { limit in limit &- min(limit, DispatchTime.now().uptimeNanoseconds &- began) }
        return await slots.wait(timeoutNanoseconds: left) ? .success(()) : .failure(.concurrency)
    }

    func release() {
        slots?.signal()
    }
}

/// A counting semaphore for tasks: waiting suspends instead of blocking a thread, and a
/// wait can be bounded (an event's deadline).
final class AsyncSemaphore: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
        /// Ends the wait when its time is up; cancelled once a permit came.
        var timer: Task<Void, Never>?
    }

    private struct State {
        var permits: Int
        /// First come, first served.
        var waiters: [Waiter] = []
        var lastID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(permits: permits))
    }

    /// Takes a permit, waiting at most `timeoutNanoseconds` (nil: as long as it takes);
    /// false when none came in time, and then nothing is taken.
    func wait(timeoutNanoseconds: UInt64?) async -> Bool {
        let taken = state.withLock { state -> Bool in
            guard state.permits > 0 else { return false }
            state.permits -= 1
            return true
        }
        if taken { return true }
        if timeoutNanoseconds == 0 { return false }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id = state.withLock { state -> UInt64? in
                if state.permits > 0 {
                    state.permits -= 1
                    return nil
                }
                state.lastID += 1
                state.waiters.append(Waiter(id: state.lastID, continuation: continuation))
                return state.lastID
            }
            guard let id else {
                continuation.resume(returning: true)
                return
            }
            guard let timeoutNanoseconds else { return }
            let timer = Task { [weak self] in
                try? await Task.sleep(nanoseconds: timeoutNanoseconds)
                if !Task.isCancelled { self?.giveUp(id) }
            }
            // A permit may have come already: then the timer has nothing to end.
            let waiting = state.withLock { state -> Bool in
                guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return false }
                state.waiters[position].timer = timer
                return true
            }
            if !waiting { timer.cancel() }
        }
    }

    /// Ends the wait of `id` without a permit, unless a permit reached it first.
    private func giveUp(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: position)
        }
        waiter?.continuation.resume(returning: false)
    }

    func signal() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.permits += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.timer?.cancel()
        next?.continuation.resume(returning: true)
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

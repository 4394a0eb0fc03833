import Planner
import Synchronization

/// Stops calls to an agent while its service is failing, then lets one probe call
/// through after a cool-down to see whether it is back.
///
/// Closed: every call goes ahead; `failures` failed calls in a row (or, with a ratio, at
/// least that share of the last `window` calls) open it. Open: calls are refused until
/// the cool-down has passed. Half-open: the first call is the probe and the rest are
/// refused; the probe's success closes the circuit, its failure opens it again.
/// Shared by every event's calls of one agent.
final class CircuitBreaker: Sendable {
    enum Phase: String, Sendable {
        case closed, open
        case halfOpen = "half-open"
    }

    /// Whether a call may go ahead, and whether it is the half-open probe.
    enum Permission: Equatable {
        case call
        case probe
        case refused
    }

    private struct State {
        var phase = Phase.closed
        var reopensAt: UInt64 = 0
        var probeInFlight = false
        var failuresInARow = 0
        /// Outcomes of the latest calls (true: failed), oldest first, at most `window`.
        var recent: [Bool] = []
        var opens = 0
    }

    /// The failure reason of a call the open circuit refused.
    static let openReason = "circuit open"

    let settings: PlanCircuitBreaker
    private let cooldown: UInt64
    private let state = Mutex(State())

    init(_ settings: PlanCircuitBreaker) {
        self.settings = settings
        cooldown = UInt64(max(1, settings.cooldownMicroseconds)) * 1000
    }

    /// How many times the circuit has opened so far.
    var opens: Int { state.withLock { $0.opens } }

    /// The phase now (an open circuit whose cool-down is over reads as half-open).
    func phase(now: UInt64) -> Phase {
        state.withLock { state in state.phase == .open && now >= state.reopensAt ? .halfOpen : state.phase }
    }

    /// Asks to make a call at `now` (uptime nanoseconds); a permitted call must be
    /// followed by ``record(failed:probe:now:)`` or ``abandon(probe:)``.
    func permit(now: UInt64) -> Permission {
        state.withLock { state in
            switch state.phase {
            case .closed:
                return .call
            case .open:
                guard now >= state.reopensAt else { return .refused }
                state.phase = .halfOpen
                state.probeInFlight = true
                return .probe
            case .halfOpen:
                guard !state.probeInFlight else { return .refused }
                state.probeInFlight = true
                return .probe
            }
        }
    }

    /// Whether a call made now would be refused (for skipping a retry's pause).
    func refuses(now: UInt64) -> Bool {
        state.withLock { state in
            switch state.phase {
            case .closed: false
            case .open: now < state.reopensAt
            case .halfOpen: state.probeInFlight
            }
        }
    }

    /// Records a permitted call's outcome. `failed` means the service did not answer
    /// usefully (timeout, reset, 5xx, 429): an answer such as a 404 is not a failure here.
    func record(failed: Bool, probe: Bool, now: UInt64) {
        state.withLock { state in
            if probe {
                state.probeInFlight = false
                if failed { open(&state, now: now) } else { close(&state) }
                return
            }
            // A call let through before the circuit opened says nothing new once it has.
            guard state.phase == .closed else { return }
            state.recent.append(failed)
            if state.recent.count > settings.window { state.recent.removeFirst(state.recent.count - settings.window) }
            state.failuresInARow = failed ? state.failuresInARow + 1 : 0
            if state.failuresInARow >= settings.failures || ratioReached(state.recent) { open(&state, now: now) }
        }
    }

    /// A permitted call that was not made after all (no time left, say).
    func abandon(probe: Bool) {
        guard probe else { return }
        state.withLock { state in
            state.probeInFlight = false
        }
    }

    private func ratioReached(_ recent: [Bool]) -> Bool {
        guard let ratio = settings.failureRatio, recent.count >= settings.window else { return false }
        let failed = recent.reduce(0) { $0 + ($1 ? 1 : 0) }
        return Double(failed) >= ratio * Double(recent.count)
    }

    private func open(_ state: inout State, now: UInt64) {
        state.phase = .open
        state.reopensAt = now + cooldown
        state.opens += 1
        state.failuresInARow = 0
        state.recent.removeAll(keepingCapacity: true)
    }

    private func close(_ state: inout State) {
        state.phase = .closed
        state.failuresInARow = 0
        state.recent.removeAll(keepingCapacity: true)
    }
}

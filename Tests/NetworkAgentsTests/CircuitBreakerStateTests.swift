import Planner
import Testing

@testable import Runtime

/// The circuit breaker's state machine on a clock the test moves by hand.
@Suite struct CircuitBreakerStateTests {
    static let second: UInt64 = 1_000_000_000

    static func breaker(failures: Int = 3, ratio: Double? = nil, window: Int = 20, cooldownSeconds: Int64 = 10) -> CircuitBreaker {
        CircuitBreaker(PlanCircuitBreaker(failures: failures, failureRatio: ratio, window: window, cooldownMicroseconds: cooldownSeconds * 1_000_000))
    }

    @Test func aSuccessResetsTheFailuresInARow() {
        let breaker = Self.breaker(failures: 3)
        for failed in [true, true, false, true, true] {
            #expect(breaker.permit(now: 0) == .call)
            breaker.record(failed: failed, probe: false, now: 0)
        }
        #expect(breaker.phase(now: 0) == .closed)
        breaker.record(failed: true, probe: false, now: 0)
        #expect(breaker.phase(now: 0) == .open)
        #expect(breaker.opens == 1)
    }

    @Test func openRefusesUntilTheCooldownThenLetsOneProbe() {
        let breaker = Self.breaker(failures: 1, cooldownSeconds: 10)
        breaker.record(failed: true, probe: false, now: 5 * Self.second)
        #expect(breaker.permit(now: 6 * Self.second) == .refused)
        #expect(breaker.refuses(now: 14 * Self.second))
        #expect(!breaker.refuses(now: 15 * Self.second))
        #expect(breaker.permit(now: 15 * Self.second) == .probe)
        #expect(breaker.permit(now: 15 * Self.second) == .refused)
        #expect(breaker.phase(now: 15 * Self.second) == .halfOpen)
        breaker.record(failed: false, probe: true, now: 16 * Self.second)
        #expect(breaker.phase(now: 16 * Self.second) == .closed)
        #expect(breaker.permit(now: 16 * Self.second) == .call)
    }

    @Test func aFailedProbeStartsANewCooldown() {
        let breaker = Self.breaker(failures: 1, cooldownSeconds: 10)
        breaker.record(failed: true, probe: false, now: 0)
        #expect(breaker.permit(now: 10 * Self.second) == .probe)
        breaker.record(failed: true, probe: true, now: 11 * Self.second)
        #expect(breaker.opens == 2)
        #expect(breaker.permit(now: 20 * Self.second) == .refused)
        #expect(breaker.permit(now: 21 * Self.second) == .probe)
    }

    @Test func anAbandonedProbeLetsTheNextCallProbe() {
        let breaker = Self.breaker(failures: 1, cooldownSeconds: 1)
        breaker.record(failed: true, probe: false, now: 0)
        #expect(breaker.permit(now: 2 * Self.second) == .probe)
        breaker.abandon(probe: true)
        #expect(breaker.permit(now: 2 * Self.second) == .probe)
    }

    @Test func lateResultsOfCallsMadeBeforeOpeningChangeNothing() {
        let breaker = Self.breaker(failures: 2, cooldownSeconds: 10)
        breaker.record(failed: true, probe: false, now: 0)
        breaker.record(failed: true, probe: false, now: 0)
        #expect(breaker.phase(now: 0) == .open)
        // A slow call let through while closed finishes now, successfully or not.
        breaker.record(failed: false, probe: false, now: Self.second)
        breaker.record(failed: true, probe: false, now: Self.second)
        #expect(breaker.phase(now: Self.second) == .open)
        #expect(breaker.opens == 1)
        #expect(breaker.permit(now: 10 * Self.second) == .probe)
    }

    @Test func theRatioNeedsAFullWindow() {
        let breaker = Self.breaker(failures: 100, ratio: 0.5, window: 4)
        for failed in [true, false, true] { breaker.record(failed: failed, probe: false, now: 0) }
        #expect(breaker.phase(now: 0) == .closed)
        breaker.record(failed: false, probe: false, now: 0)
        #expect(breaker.phase(now: 0) == .open)
    }

    @Test func theRatioLooksOnlyAtTheLatestWindow() {
        let breaker = Self.breaker(failures: 100, ratio: 0.75, window: 4)
        for failed in [true, true, false, false, true, false, true, false] { breaker.record(failed: failed, probe: false, now: 0) }
        #expect(breaker.phase(now: 0) == .closed)
        for failed in [true, true] { breaker.record(failed: failed, probe: false, now: 0) }
        #expect(breaker.phase(now: 0) == .open)
    }
}

import Planner

/// Exponential backoff with optional jitter, as the plan declares it.
struct RetryPolicy: Sendable {
    let attempts: Int
    let backoffMicroseconds: Int64
    let maxBackoffMicroseconds: Int64
    let jitter: Bool
    /// The longest `Retry-After` a retry waits for when the event has no deadline; a
    /// service asking for more gets the fallback instead of a stalled event.
    static let longestRetryAfterMicroseconds: Int64 = 60_000_000

    init(_ retry: PlanRetry) {
        attempts = max(1, retry.attempts)
        backoffMicroseconds = retry.backoffMicroseconds
        maxBackoffMicroseconds = retry.maxBackoffMicroseconds
        jitter = retry.jitter
    }

    /// The pause before retry `retry` (1-based): `min(backoff × 2^(k-1), max)` plus up to 100% jitter.
    func pause(beforeRetry retry: Int, random: inout some RandomNumberGenerator) -> Int64 {
        let exponent = min(max(0, retry - 1), 40)
        let (product, overflow) = backoffMicroseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        let base = overflow ? maxBackoffMicroseconds : min(product, maxBackoffMicroseconds)
        let pause = max(0, base)
        guard jitter, pause > 0 else { return pause }
        return pause + Int64.random(in: 0...pause, using: &random)
    }
}

/// Worst-case timing of one agent, by the rule `enrich lint` uses (grammar/README.md).
extension PlanAgent {
    /// `timeout × attempts + Σ backoffs`, in microseconds, saturating instead of overflowing.
    public var worstCaseMicroseconds: Int64 {
        let attempts = Int64(max(retry.attempts, 1))
        return timeoutMicroseconds.saturatingMultiplied(by: attempts).saturatingAdded(retry.totalBackoffMicroseconds)
    }
}

extension PlanRetry {
    /// The pauses before each retry: `min(backoff × 2^(k-1), max_backoff)`, doubled with jitter.
    public var totalBackoffMicroseconds: Int64 {
        guard attempts > 1 else { return 0 }
        var total: Int64 = 0
        var step = backoffMicroseconds
        for _ in 1..<attempts {
            let pause = min(step, maxBackoffMicroseconds)
            total = total.saturatingAdded(jitter ? pause.saturatingMultiplied(by: 2) : pause)
            step = min(step.saturatingMultiplied(by: 2), maxBackoffMicroseconds)
        }
        return total
    }
}

extension Int64 {
    func saturatingAdded(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func saturatingMultiplied(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}

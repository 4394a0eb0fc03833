import Foundation

/// How an agent's circuit breaker fared in a run: how often it opened, and its phase at the end.
public struct CircuitReport: Sendable, Equatable {
    public var opens: Int
    /// `closed`, `open` or `half-open`.
    public var phase: String
}

extension PreparedPipeline {
    /// The circuit breakers' reports by agent name (agents without one are absent).
    public func circuitReports() -> [String: CircuitReport] {
        let now = DispatchTime.now().uptimeNanoseconds
        var reports: [String: CircuitReport] = [:]
        for agent in agents {
            guard let breaker = agent.breaker else { continue }
            reports[agent.name] = CircuitReport(opens: breaker.opens, phase: breaker.phase(now: now).rawValue)
        }
        return reports
    }
}

import Histogram

/// One worker's metrics, kept by agent index and status so recording an event hashes nothing;
/// added into ``RunMetrics`` (keyed by name) when someone reads the ``MetricsBoard``.
struct WorkerMetrics {
    private let agentNames: [String]
    private var agentLatency: [Histogram<UInt64>]
    /// Per agent, a count per `AgentOutcome.allCases` position.
    private var outcomeCounts: [[Int]]
    private var eventLatency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    private var complete = 0, partial = 0, failed = 0, duplicate = 0, malformed = 0
    private var events = 0

    private static let outcomes = AgentOutcome.allCases

    init(agentNames: [String]) {
        self.agentNames = agentNames
        agentLatency = agentNames.map { _ in RunMetrics.AgentMetrics().latency }
        outcomeCounts = Array(repeating: Array(repeating: 0, count: Self.outcomes.count), count: agentNames.count)
    }

    mutating func record(_ result: EventResult) {
        events += 1
        switch result.status {
        case .complete: complete += 1
        case .partial: partial += 1
        case .failed: failed += 1
        }
        _ = eventLatency.record(UInt64(max(0, result.latencyMicroseconds)))
        for report in result.reports {
            outcomeCounts[report.agentIndex][report.outcome.position] += 1
            if report.outcome != .cached, report.attempts > 0 {
                _ = agentLatency[report.agentIndex].record(UInt64(max(0, report.latencyMicroseconds)))
            }
        }
    }

    mutating func recordDuplicate() {
        events += 1
        duplicate += 1
    }

    mutating func recordMalformed() {
        events += 1
        malformed += 1
    }

    /// Adds these figures to `total`, keyed by name; an agent appears once it was
    /// reported for an event.
    func add(into total: inout RunMetrics) {
        total.events += events
        if eventLatency.totalCount > 0 { total.eventLatency.add(eventLatency) }
        for (status, count) in [("complete", complete), ("partial", partial), ("failed", failed), ("duplicate", duplicate), ("malformed", malformed)]
        where count > 0 {
            total.statuses[status, default: 0] += count
        }
        for (index, name) in agentNames.enumerated() where outcomeCounts[index].contains(where: { $0 > 0 }) {
            var agent = total.agents.removeValue(forKey: name) ?? RunMetrics.AgentMetrics()
            if agentLatency[index].totalCount > 0 { agent.latency.add(agentLatency[index]) }
            for (position, count) in outcomeCounts[index].enumerated() where count > 0 { agent.outcomes[Self.outcomes[position], default: 0] += count }
            total.agents[name] = agent
        }
    }
}

extension AgentOutcome {
    /// This outcome's position in `allCases`.
    var position: Int {
        switch self {
        case .ok: 0
        case .cached: 1
        case .staleCache: 2
        case .defaulted: 3
        case .skipped: 4
        case .guarded: 5
        case .failed: 6
        }
    }
}

import EventJSON
import Histogram

/// Latency histograms and counters of a run; each worker keeps its own and they are merged.
public struct RunMetrics: Sendable {
    /// Per agent: latency of its calls (µs) and how often each outcome happened.
    public struct AgentMetrics: Sendable {
        public var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        public var outcomes: [AgentOutcome: Int] = [:]
    }

    public var agents: [String: AgentMetrics] = [:]
    /// End-to-end time per event inside the runtime (µs).
    public var eventLatency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    public var statuses: [String: Int] = [:]
    public var events = 0
    /// Circuit breakers by agent name, filled in once the run is over.
    public var circuits: [String: CircuitReport] = [:]

    public init() {}

    mutating func merge(_ other: RunMetrics) {
        events += other.events
        eventLatency.add(other.eventLatency)
        for (status, count) in other.statuses { statuses[status, default: 0] += count }
        for (name, metrics) in other.agents {
            agents[name, default: AgentMetrics()].latency.add(metrics.latency)
            for (outcome, count) in metrics.outcomes { agents[name, default: AgentMetrics()].outcomes[outcome, default: 0] += count }
        }
    }

    /// The metrics as a JSON object (for `--metrics-json`).
    public func json(elapsedSeconds: Double, agentOrder: [String]) -> JSONValue {
        var object = JSONObject()
        object["events"] = .int(Int64(events))
        object["elapsed_seconds"] = .double((elapsedSeconds * 1000).rounded() / 1000)
        object["events_per_second"] = .double(elapsedSeconds > 0 ? (Double(events) / elapsedSeconds).rounded() : 0)
        var statusObject = JSONObject()
        for status in statuses.keys.sorted() { statusObject[status] = .int(Int64(statuses[status]!)) }
        object["statuses"] = .object(statusObject)
        object["event_latency_us"] = Self.summary(of: eventLatency)
        var agentsObject = JSONObject()
        for name in agentOrder {
            guard let metrics = agents[name] else { continue }
            var entry = JSONObject()
            entry["latency_us"] = Self.summary(of: metrics.latency)
            var outcomes = JSONObject()
            for outcome in AgentOutcome.allCases { if let count = metrics.outcomes[outcome] { outcomes[outcome.rawValue] = .int(Int64(count)) } }
            entry["outcomes"] = .object(outcomes)
            if let circuit = circuits[name] {
                entry["circuit"] = .object(JSONObject([("opens", .int(Int64(circuit.opens))), ("state", .string(circuit.phase))]))
            }
            agentsObject[name] = .object(entry)
        }
        object["agents"] = .object(agentsObject)
        return .object(object)
    }

    static func summary(of histogram: Histogram<UInt64>) -> JSONValue {
        guard histogram.totalCount > 0 else { return .object(JSONObject([("count", .int(0))])) }
        return .object(JSONObject([
            ("count", .int(Int64(histogram.totalCount))),
            ("p50", .int(Int64(histogram.valueAtPercentile(50)))),
            ("p99", .int(Int64(histogram.valueAtPercentile(99)))),
            ("max", .int(Int64(histogram.max))),
        ]))
    }
}

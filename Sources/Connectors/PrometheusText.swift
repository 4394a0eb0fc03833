import Histogram
import Runtime

/// Renders metrics in the Prometheus text exposition format (version 0.0.4).
///
/// The runtime keeps latencies in HDR histograms (one per worker, merged on demand), so
/// they are exported as summaries with exact p50/p99/max rather than re-recorded into the
/// fixed buckets a client library would need on the hot path.
public struct PrometheusText {
    private(set) var text = ""

    public init() {}

    public var rendered: String { text }

    /// One metric family: its HELP and TYPE lines, then `samples` (labels, value).
    public mutating func family(_ name: String, _ type: String, _ help: String, _ samples: [([(String, String)], Double)]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in samples { sample(name, labels, value) }
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// A latency summary (microseconds): quantiles 0.5, 0.99 and 1 (the maximum), sum and count.
    public mutating func summary(_ name: String, _ help: String, _ histograms: [([(String, String)], Histogram<UInt64>)]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) summary\n"
        for (labels, histogram) in histograms {
            let empty = histogram.totalCount == 0
            for (quantile, value) in [("0.5", 50.0), ("0.99", 99.0)] {
                sample(name, labels + [("quantile", quantile)], empty ? .nan : Double(histogram.valueAtPercentile(value)))
            }
            sample(name, labels + [("quantile", "1")], empty ? .nan : Double(histogram.max))
            sample(name + "_sum", labels, empty ? 0 : histogram.mean * Double(histogram.totalCount))
            sample(name + "_count", labels, Double(histogram.totalCount))
        }
    }

    /// The run's own figures: events by status, event latency, and per agent latency and outcomes.
    public mutating func run(_ metrics: RunMetrics, written: Int, agentOrder: [String]) {
        family("enrich_events_out_total", "counter", "Events written (enriched output or dead letter), committed with their checkpoint.", [([], Double(written))])
        family(
            "enrich_events_processed_total", "counter", "Events processed, by status.",
            metrics.statuses.keys.sorted().map { ([("status", $0)], Double(metrics.statuses[$0]!)) })
        summary("enrich_event_latency_microseconds", "Time an event spent in the runtime.", [([], metrics.eventLatency)])
        let agents = agentOrder.filter { metrics.agents[$0] != nil }
        summary(
            "enrich_agent_latency_microseconds", "Latency of agent calls (cache hits excluded).",
            agents.map { ([("agent", $0)], metrics.agents[$0]!.latency) })
        var outcomes: [([(String, String)], Double)] = []
        for agent in agents {
            let counts = metrics.agents[agent]!.outcomes
            for outcome in AgentOutcome.allCases { if let count = counts[outcome] { outcomes.append(([("agent", agent), ("outcome", outcome.rawValue)], Double(count))) } }
        }
        family("enrich_agent_outcomes_total", "counter", "Agent outcomes per event.", outcomes)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

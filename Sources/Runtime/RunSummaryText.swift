import Foundation

extension RunSummary {
    /// The end-of-run summary printed to standard error.
    ///
    /// One line of totals, then a table per agent: calls by outcome and latency
    /// percentiles of the calls actually made (cache hits excluded).
    public func text(agentOrder: [String]) -> String {
        let rate = elapsedSeconds > 0 ? Double(metrics.events) / elapsedSeconds : 0
        var parts: [String] = []
        for status in ["complete", "partial", "failed", "duplicate", "malformed"] {
            let count = metrics.statuses[status] ?? 0
            if count > 0 || status == "complete" {
                let suffix = status == "failed" || status == "malformed" ? " (dead letter)" : ""
                parts.append("\(Self.grouped(count)) \(status)\(suffix)")
            }
        }
        var lines: [String] = []
        var head = "enrich run: \(Self.grouped(metrics.events)) events in \(String(format: "%.2f", elapsedSeconds))s (\(Self.grouped(Int(rate))) events/s): \(parts.joined(separator: ", "))"
        if let line = resumedAfterLine, line > 0 { head += "; resumed after line \(Self.grouped(Int(line)))" }
        if let signal = interruptedBy { head += "; interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM"), in-flight events finished and checkpointed" }
        lines.append(head)
        if metrics.eventLatency.totalCount > 0 {
            lines.append("event latency: p50 \(Self.duration(metrics.eventLatency.valueAtPercentile(50))), p99 \(Self.duration(metrics.eventLatency.valueAtPercentile(99))), max \(Self.duration(metrics.eventLatency.max))")
        }
        let rows = agentOrder.compactMap { name in metrics.agents[name].map { (name, $0) } }
        guard !rows.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        let outcomes: [AgentOutcome] = [.ok, .cached, .staleCache, .defaulted, .skipped, .failed]
        var table = [["agent"] + outcomes.map(\.rawValue) + ["p50", "p99", "max"]]
        for (name, agent) in rows {
            var row = [name] + outcomes.map { Self.grouped(agent.outcomes[$0] ?? 0) }
            if agent.latency.totalCount > 0 {
                row += [agent.latency.valueAtPercentile(50), agent.latency.valueAtPercentile(99), agent.latency.max].map(Self.duration)
            } else {
                row += ["-", "-", "-"]
            }
            table.append(row)
        }
        let widths = table[0].indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            let cells = row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            lines.append(cells.joined(separator: "  "))
        }
        for name in agentOrder {
            guard let circuit = metrics.circuits[name], circuit.opens > 0 else { continue }
            lines.append("circuit breaker of \(name): opened \(circuit.opens) time\(circuit.opens == 1 ? "" : "s"), now \(circuit.phase)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one-line live progress shown on a terminal.
    public static func progressLine(events: Int, inFlight: Int, eventsPerSecond: Double, metrics: RunMetrics) -> String {
        let p99 = metrics.eventLatency.totalCount > 0 ? duration(metrics.eventLatency.valueAtPercentile(99)) : "-"
        return "\(grouped(events)) events · \(grouped(Int(eventsPerSecond)))/s · \(grouped(inFlight)) in flight · p99 \(p99)"
    }

    static func grouped(_ number: Int) -> String {
        let digits = String(abs(number))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return number < 0 ? "-" + result : result
    }

    static func duration(_ microseconds: UInt64) -> String {
        if microseconds < 1000 { return "\(microseconds)µs" }
        if microseconds < 1_000_000 { return String(format: "%.1fms", Double(microseconds) / 1000) }
        return String(format: "%.2fs", Double(microseconds) / 1_000_000)
    }
}

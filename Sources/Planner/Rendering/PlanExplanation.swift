/// The text of `enrich compile --explain`: stages, critical path, timing table and pass reports.
public enum PlanExplanation {
    /// A report of `plan` for people, ending in a newline.
    public static func render(_ plan: Plan) -> String {
        var lines: [String] = []
        let stageCount = (plan.agents.map(\.stage).max() ?? -1) + 1
        lines.append(
            "plan for `\(plan.pipeline)` (\(plan.source.path)): \(count(plan.agents.count, "agent")) in \(count(stageCount, "stage"))")
        lines.append("")

        lines.append("stages")
        for stage in 0..<stageCount {
            let names = plan.agents.filter { $0.stage == stage }.map(\.name)
            lines.append("  \(stage)  \(names.joined(separator: ", "))")
        }
        if stageCount == 0 { lines.append("  (no agents)") }
        lines.append("")

        lines.append("critical path")
        lines.append("  " + criticalPathLine(plan))
        lines.append("")

        lines += timingTable(plan)
        lines.append("")

        lines.append("passes")
        for report in plan.passes {
            lines.append("  \(report.pass)")
            if report.changes.isEmpty { lines.append("    nothing to change") }
            for change in report.changes { lines.append("    - \(change)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `crm_lookup → priority = 545ms (deadline 900ms, 355ms to spare)`.
    static func criticalPathLine(_ plan: Plan) -> String {
        guard !plan.criticalPath.agents.isEmpty else { return "(no agents)" }
        var line = plan.criticalPath.agents.joined(separator: " → ") + " = " + TimeText.format(plan.criticalPath.totalMicroseconds)
        if let deadline = plan.deadlineMicroseconds {
            let spare = deadline - plan.criticalPath.totalMicroseconds
            line += " (deadline \(TimeText.format(deadline)), "
            line += spare >= 0 ? "\(TimeText.format(spare)) to spare)" : "\(TimeText.format(-spare)) over)"
        } else {
            line += " (no deadline: latest starts are measured against the critical path)"
        }
        return line
    }

    private static func timingTable(_ plan: Plan) -> [String] {
        let header = ["agent", "kind", "stage", "worst case", "earliest", "latest start", "slack", ""]
        var rows: [[String]] = [header]
        for agent in plan.agents {
            var name = agent.name
            if !agent.mergedFrom.isEmpty { name += " (+ \(agent.mergedFrom.joined(separator: ", ")))" }
            rows.append([
                name, agent.kind, String(agent.stage),
                TimeText.format(agent.timing.worstCaseMicroseconds),
                TimeText.format(agent.timing.earliestStartMicroseconds),
                TimeText.format(agent.timing.latestStartMicroseconds),
                TimeText.format(agent.timing.slackMicroseconds),
                agent.timing.critical ? "critical" : "",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        // Names and kinds read left to right; figures line up on the right.
        let leftAligned: Set<Int> = [0, 1, 7]
        return rows.map { row in
            let cells = row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return leftAligned.contains(column) ? row[column] + padding : padding + row[column]
            }
            return cells.joined(separator: "  ").trimmingTrailingSpaces
        }
    }

    private static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}

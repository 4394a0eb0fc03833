/// The plan as a drawing: Graphviz DOT or Mermaid flowchart text.
///
/// Nodes show each agent's name, kind and timeout; edges are the dependencies after
/// transitive reduction; stages become rows (`rank=same` subgraphs in DOT, subgraphs in
/// Mermaid); the critical path's nodes and edges are drawn in red and thicker.
public enum PlanGraph {
    /// Graphviz DOT text, ending in a newline.
    public static func dot(_ plan: Plan) -> String {
        let criticalEdges = self.criticalEdges(plan)
        var lines = ["digraph \(dotQuoted(plan.pipeline)) {"]
        lines.append("  rankdir=LR;")
        lines.append("  node [shape=box, style=rounded, fontname=\"Helvetica\"];")
        lines.append("  edge [fontname=\"Helvetica\"];")
        for (stage, members) in stages(plan) {
            lines.append("  subgraph \(dotQuoted("stage_\(stage)")) {")
            lines.append("    rank=same;")
            for index in members {
                let agent = plan.agents[index]
                var attributes = ["label=\(dotQuoted(label(agent, lineBreak: "\n")))"]
                if agent.timing.critical { attributes += ["color=red", "penwidth=2"] }
                lines.append("    \(dotQuoted(agent.name)) [\(attributes.joined(separator: ", "))];")
            }
            lines.append("  }")
        }
        for (from, to) in edges(plan) {
            var line = "  \(dotQuoted(plan.agents[from].name)) -> \(dotQuoted(plan.agents[to].name))"
            if criticalEdges.contains(Edge(from: from, to: to)) { line += " [color=red, penwidth=2]" }
            lines.append(line + ";")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid flowchart text, ending in a newline.
    public static func mermaid(_ plan: Plan) -> String {
        let criticalEdges = self.criticalEdges(plan)
        var lines = ["flowchart LR"]
        for (stage, members) in stages(plan) {
            lines.append("  subgraph stage_\(stage) [\"stage \(stage)\"]")
            for index in members {
                let agent = plan.agents[index]
                lines.append("    \(mermaidID(agent.name))[\"\(mermaidEscaped(label(agent, lineBreak: "<br/>")))\"]")
            }
            lines.append("  end")
        }
        var criticalLinks: [Int] = []
        for (position, (from, to)) in edges(plan).enumerated() {
            lines.append("  \(mermaidID(plan.agents[from].name)) --> \(mermaidID(plan.agents[to].name))")
            if criticalEdges.contains(Edge(from: from, to: to)) { criticalLinks.append(position) }
        }
        let criticalNodes = plan.agents.filter(\.timing.critical).map { mermaidID($0.name) }
        if !criticalNodes.isEmpty {
            lines.append("  classDef critical stroke:#d00,stroke-width:3px,color:#d00")
            lines.append("  class \(criticalNodes.joined(separator: ",")) critical")
        }
        if !criticalLinks.isEmpty {
            lines.append("  linkStyle \(criticalLinks.map(String.init).joined(separator: ",")) stroke:#d00,stroke-width:3px")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Edge: Hashable {
        var from: Int
        var to: Int
    }

    /// `crm_lookup`, then `http · 250ms × 2` (attempts shown when there are retries).
    private static func label(_ agent: PlanAgent, lineBreak: String) -> String {
        var detail = "\(agent.kind) · \(TimeText.format(agent.timeoutMicroseconds))"
        if agent.retry.attempts > 1 { detail += " × \(agent.retry.attempts)" }
        return agent.name + lineBreak + detail
    }

    /// Agent indices grouped by stage, stages ascending, agents in plan order.
    private static func stages(_ plan: Plan) -> [(Int, [Int])] {
        let grouped = Dictionary(grouping: plan.agents.indices) { plan.agents[$0].stage }
        return grouped.keys.sorted().map { ($0, grouped[$0] ?? []) }
    }

    /// Every dependency edge, ordered by the waiting agent then the awaited one.
    private static func edges(_ plan: Plan) -> [(Int, Int)] {
        plan.agents.indices.flatMap { index in plan.agents[index].dependencies.map { ($0, index) } }
    }

    /// Consecutive pairs along the critical path.
    private static func criticalEdges(_ plan: Plan) -> Set<Edge> {
        let indices = plan.criticalPath.agents.compactMap(plan.agentIndex(named:))
        return Set(zip(indices, indices.dropFirst()).map { Edge(from: $0, to: $1) })
    }

    private static func dotQuoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }

    /// Words Mermaid reads as syntax, which cannot be node ids.
    private static let mermaidKeywords: Set<String> = [
        "end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click", "linkstyle", "direction", "default",
    ]

    private static func mermaidID(_ name: String) -> String {
        mermaidKeywords.contains(name.lowercased()) ? name + "_" : name
    }

    private static func mermaidEscaped(_ text: String) -> String {
        text.reduce(into: "") { result, character in
            if character == "\"" { result += "#quot;" } else { result.append(character) }
        }
    }
}

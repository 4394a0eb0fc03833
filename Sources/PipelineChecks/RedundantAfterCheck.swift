import Diagnostics
import PipelineSyntax

/// `after:` entries that repeat an edge a data reference already makes (W004).
enum RedundantAfterCheck {
    static func check(_ agents: [AgentDecl], table: AgentTable, edges: DependencyEdges, diagnostics: inout DiagnosticCollector) {
        for (index, agent) in agents.enumerated() {
            var seen: Set<String> = []
            for entry in agent.after {
                guard let target = table.index(of: entry.value) else { continue }
                if !seen.insert(entry.value).inserted || edges.dataDependencies[index].contains(target) {
                    let reason = seen.contains(entry.value) && !edges.dataDependencies[index].contains(target)
                        ? "`\(entry.value)` is listed twice in `after`"
                        : "`\(agent.name.value)` already waits for `\(entry.value)` because it reads its result"
                    diagnostics.emit(Diagnostic(
                        .redundantAfter, "`after: \(entry.value)` is redundant",
                        at: entry.range,
                        notes: [DiagnosticNote(reason, at: edges.dataDependencies[index].contains(target) ? edges.references[index][target] : nil)],
                        help: ["remove `\(entry.value)` from `after`; dependencies follow from references"]))
                }
            }
        }
    }
}

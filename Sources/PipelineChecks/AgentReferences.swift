import Diagnostics
import PipelineSyntax

/// Every expression an agent holds.
enum AgentExpressions {
    /// Calls `body` with each of `agent`'s expressions in a fixed order: inputs, `when`,
    /// expression outputs, URL, headers, cache key (without collecting them first).
    static func forEach(in agent: AgentDecl, _ body: (Expression) -> Void) {
        for input in agent.inputs { body(input.value) }
        if let when = agent.when { body(when) }
        for output in agent.outputs {
            if case .expression(let expression) = output.source { body(expression) }
        }
        if let http = agent.http {
            if let url = http.url { body(url) }
            for header in http.headers { body(header.value) }
        }
        if let key = agent.cache?.key { body(key) }
    }
}

/// The agents each agent depends on, with the place that creates each edge.
struct DependencyEdges {
    /// For each agent, dependency index → the first reference (or `after` entry) making it.
    var references: [[Int: SourceRange]]
    /// For each agent, the agents it reads data from (not counting `after`).
    var dataDependencies: [Set<Int>]

    init(agents: [AgentDecl], table: AgentTable, diagnostics: inout DiagnosticCollector) {
        references = []
        references.reserveCapacity(agents.count)
        dataDependencies = []
        dataDependencies.reserveCapacity(agents.count)
        for agent in agents {
            // Built locally and appended once: no nested in-place mutation of the tables.
            var agentReferences: [Int: SourceRange] = [:]
            var agentDependencies: Set<Int> = []
            AgentExpressions.forEach(in: agent) { expression in
                expression.forEachPath { path in
                    guard let target = table.index(of: path.root.text) else { return }
                    agentDependencies.insert(target)
                    if agentReferences[target] == nil { agentReferences[target] = path.range }
                }
            }
            for entry in agent.after {
                guard let target = table.index(of: entry.value) else {
                    var help: [String] = []
                    var fixIts: [FixIt] = []
                    if let suggestion = DidYouMean.suggestion(for: entry.value, among: table.names) {
                        help.append("did you mean `\(suggestion)`?")
                        fixIts.append(FixIt("use `\(suggestion)`", replacing: entry.range, with: suggestion))
                    }
                    diagnostics.emit(Diagnostic(.unknownAgent, "`after` names `\(entry.value)`, which is not an agent of this pipeline", at: entry.range, help: help, fixIts: fixIts))
                    continue
                }
                if agentReferences[target] == nil { agentReferences[target] = entry.range }
            }
            references.append(agentReferences)
            dataDependencies.append(agentDependencies)
        }
    }
}

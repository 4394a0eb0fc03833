import Diagnostics
import PipelineSyntax

/// Agent names resolved to indices; reports duplicate names (E016).
struct AgentTable {
    private(set) var indices: [String: Int] = [:]
    let names: [String]

    init(agents: [AgentDecl], diagnostics: inout DiagnosticCollector) {
        names = agents.map(\.name.value)
        for (index, agent) in agents.enumerated() where !agent.name.value.isEmpty {
            if let first = indices[agent.name.value] {
                diagnostics.emit(Diagnostic(
                    .duplicateAgentName, "agent name `\(agent.name.value)` is used twice",
                    at: agent.name.range,
                    notes: [DiagnosticNote("first defined here", at: agents[first].name.range)],
                    help: ["rename one of them; references like `\(agent.name.value).field` must say which agent they mean"]))
            } else {
                indices[agent.name.value] = index
            }
        }
    }

    func index(of name: String) -> Int? { indices[name] }
}

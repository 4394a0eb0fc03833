import Diagnostics
import PipelineSyntax

/// Every expression an agent holds, labelled by the role it plays.
struct AgentExpressions {
    enum Role { case input, when, output, url, header, cacheKey }
    var items: [(role: Role, expression: Expression)] = []

    init(_ agent: AgentDecl) {
        for input in agent.inputs { items.append((.input, input.value)) }
        if let when = agent.when { items.append((.when, when)) }
        for output in agent.outputs {
            if case .expression(let expression) = output.source { items.append((.output, expression)) }
        }
        if let url = agent.http?.url { items.append((.url, url)) }
        for header in agent.http?.headers ?? [] { items.append((.header, header.value)) }
        if let key = agent.cache?.key { items.append((.cacheKey, key)) }
    }
}

/// The agents each agent depends on, with the place that creates each edge.
struct DependencyEdges {
    /// For each agent, dependency index → the first reference (or `after` entry) making it.
    var references: [[Int: SourceRange]]
    /// For each agent, the agents it reads data from (not counting `after`).
    var dataDependencies: [Set<Int>]

    init(agents: [AgentDecl], table: AgentTable, diagnostics: inout DiagnosticCollector) {
        references = Array(repeating: [:], count: agents.count)
        dataDependencies = Array(repeating: [], count: agents.count)
        for (index, agent) in agents.enumerated() {
            for item in AgentExpressions(agent).items {
                item.expression.forEachPath { path in
                    guard let target = table.index(of: path.root.text) else { return }
                    dataDependencies[index].insert(target)
                    if references[index][target] == nil { references[index][target] = path.range }
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
                if references[index][target] == nil { references[index][target] = entry.range }
            }
        }
    }
}

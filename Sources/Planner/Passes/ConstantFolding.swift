/// Folds literal-only subexpressions, then settles guards that became constant.
///
/// A `when` that folds to `true` is dropped (the agent always runs). One that folds to
/// `false` removes the agent: it can never run, so every reference to its outputs reads
/// as missing (`null`) and whoever listed it in `after` waits for what it waited for.
/// That can fold further expressions, so the pass repeats until nothing changes.
/// Run ``DeadAgentElimination`` afterwards to sweep agents left without readers.
public struct ConstantFolding: PlanPass {
    public let name = "constant folding"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        var changes: [String] = []
        if let key = plan.dedup?.key {
            let folded = ExpressionFolding.fold(key)
            if folded != key {
                plan.dedup?.key = folded
                changes.append("folded `dedup.key`: `\(key)` → `\(folded)`")
            }
        }
        while true {
            var neverRun: Set<Int> = []
            for index in plan.agents.indices {
                let agentName = plan.agents[index].name
                let guardAsWritten = plan.agents[index].when
                plan.agents[index].rewriteExpressions { label, expression in
                    let folded = ExpressionFolding.fold(expression)
                    let settlesGuard = label == "`when`" && folded.literalValue != nil
                    // A template without holes becoming a plain string reads the same: not worth a line.
                    if folded != expression, !settlesGuard, folded.description != expression.description {
                        changes.append("folded \(label) of `\(agentName)`: `\(expression)` → `\(folded)`")
                    }
                    return folded
                }
                guard let guardAsWritten, let value = plan.agents[index].when?.literalValue else { continue }
                if value == .bool(true) {
                    plan.agents[index].when = nil
                    changes.append("dropped the guard of `\(agentName)`: `\(guardAsWritten)` is always true")
                } else if value == .bool(false) || value == .null {
                    // `false`, and `null` (missing), both mean the agent is skipped.
                    neverRun.insert(index)
                    changes.append("removed `\(agentName)`: its guard `\(guardAsWritten)` is never true")
                }
            }
            guard !neverRun.isEmpty else { break }
            changes += Self.remove(neverRun, from: &plan)
        }
        EdgeInference.refresh(&plan)
        return changes
    }

    /// Removes agents that never run, rewiring whatever read them or waited for them.
    private static func remove(_ removed: Set<Int>, from plan: inout Plan) -> [String] {
        let removedNames = Set(removed.map { plan.agents[$0].name })
        // What a removed agent waited for, through other removed agents, by name.
        var waitedFor: [String: Set<String>] = [:]
        for index in removed.sorted() {
            let agent = plan.agents[index]
            var names: Set<String> = []
            for name in agent.agentReferences.union(agent.after) {
                if removedNames.contains(name) { names.formUnion(waitedFor[name] ?? []) } else { names.insert(name) }
            }
            waitedFor[agent.name] = names
        }
        var changes: [String] = []
        for index in plan.agents.indices where !removed.contains(index) {
            let agentName = plan.agents[index].name
            plan.agents[index].rewriteExpressions { label, expression in
                expression.rewritten { node in
                    guard case .agent(let name, let path) = node, removedNames.contains(name) else { return node }
                    changes.append("\(label) of `\(agentName)` reads `\(([name] + path).joined(separator: "."))` as null: `\(name)` never runs")
                    return .literal(.null)
                }
            }
            var after: [String] = []
            for name in plan.agents[index].after {
                let replacement = removedNames.contains(name) ? (waitedFor[name] ?? []).sorted() : [name]
                for entry in replacement where !after.contains(entry) { after.append(entry) }
            }
            plan.agents[index].after = after
        }
        plan.removeAgents(at: removed)
        return changes
    }
}

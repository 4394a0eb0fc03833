/// Removes agents whose work nobody can observe.
///
/// An agent is dead when it writes nothing to the event (no outputs, or `emit: false`),
/// no agent waits for it, and calling it has no side effect. Requests other than GET and
/// HEAD, `process`, `local_llm` and `function` agents count as side-effecting and always
/// stay. Removing one agent can make its dependencies dead in turn, so the pass repeats
/// until nothing changes.
public struct DeadAgentElimination: PlanPass {
    public let name = "dead-agent elimination"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        var changes: [String] = []
        var removedSoFar: [String: Set<String>] = [:]
        while true {
            let dependents = plan.dependents
            let dead = Set(plan.agents.indices.filter { index in
                dependents[index].isEmpty && Self.isUnobservable(plan.agents[index])
            })
            guard !dead.isEmpty else { break }
            // Remember who read each survivor, to say why it died in a later round.
            var readersRemoved: [String: Set<String>] = [:]
            for index in dead.sorted() {
                let agent = plan.agents[index]
                var sentence = "removed `\(agent.name)`: emits nothing and nothing reads it"
                if let readers = removedSoFar[agent.name], !readers.isEmpty {
                    sentence += " once \(readers.sorted().map { "`\($0)`" }.joined(separator: ", ")) \(readers.count == 1 ? "is" : "are") gone"
                }
                changes.append(sentence)
                for dependency in agent.dependencies {
                    readersRemoved[plan.agents[dependency].name, default: []].insert(agent.name)
                }
            }
            removedSoFar = readersRemoved
            let deadNames = Set(dead.map { plan.agents[$0].name })
            for index in plan.agents.indices where !dead.contains(index) {
                plan.agents[index].after.removeAll { deadNames.contains($0) }
            }
            plan.removeAgents(at: dead)
        }
        return changes
    }

    /// Whether removing `agent` (if nothing waits for it) changes nothing anyone can see.
    static func isUnobservable(_ agent: PlanAgent) -> Bool {
        let emitsNothing = !agent.emit || agent.outputs.isEmpty
        return emitsNothing && !hasSideEffects(agent)
    }

    /// Whether calling the agent may change something outside the pipeline.
    public static func hasSideEffects(_ agent: PlanAgent) -> Bool {
        switch agent.kind {
        case "http": !["GET", "HEAD"].contains(agent.http?.method ?? "GET")
        case "process", "local_llm", "function": true
        default: false
        }
    }
}

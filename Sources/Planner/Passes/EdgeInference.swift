/// Works out what each agent waits for: every agent whose output it reads, and its `after` list.
///
/// Nobody lists data edges by hand: a reference such as `geocode.country` in any of an
/// agent's expressions is the edge. Reports one line per edge with the reason.
public struct EdgeInference: PlanPass {
    public let name = "edge inference"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        let indices = Self.indicesByName(plan)
        var changes: [String] = []
        for index in plan.agents.indices {
            let agent = plan.agents[index]
            let dependencies = Self.dependencies(of: agent, indices: indices)
            for dependency in dependencies {
                let target = plan.agents[dependency].name
                let reason =
                    Self.firstReference(to: target, in: agent).map { "reads `\($0)`" } ?? "listed in `after`"
                changes.append("`\(agent.name)` waits for `\(target)`: \(reason)")
            }
            plan.agents[index].dependencies = dependencies
        }
        return changes
    }

    /// The indices of the agents `agent` reads from or lists in `after`, ascending.
    static func dependencies(of agent: PlanAgent, indices: [String: Int]) -> [Int] {
        let names = agent.agentReferences.union(agent.after)
        return Set(names.compactMap { indices[$0] }).sorted()
    }

    /// Agent name → index.
    static func indicesByName(_ plan: Plan) -> [String: Int] {
        Dictionary(plan.agents.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Recomputes every agent's dependencies after expressions or `after` lists changed.
    static func refresh(_ plan: inout Plan) {
        let indices = indicesByName(plan)
        for index in plan.agents.indices {
            plan.agents[index].dependencies = dependencies(of: plan.agents[index], indices: indices)
        }
    }

    /// The first path into `target` that `agent` reads, as written (`geocode.country`).
    private static func firstReference(to target: String, in agent: PlanAgent) -> String? {
        for (_, expression) in agent.labelledExpressions {
            var found: String?
            expression.visit { node in
                if found == nil, case .agent(let name, let path) = node, name == target {
                    found = ([name] + path).joined(separator: ".")
                }
            }
            if let found { return found }
        }
        return nil
    }
}

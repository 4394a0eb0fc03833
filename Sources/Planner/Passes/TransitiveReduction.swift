/// Drops dependency edges that another path already implies.
///
/// If `c` waits for `b` and `b` waits for `a`, an edge `a → c` adds nothing: `c` cannot
/// start before `a` finished anyway, and `a`'s outputs are still there when `c` reads
/// them. What waits for what is unchanged; only the redundant edges go.
public struct TransitiveReduction: PlanPass {
    public let name = "transitive reduction"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        let ancestors = plan.ancestors
        var changes: [String] = []
        for index in plan.agents.indices {
            let dependencies = plan.agents[index].dependencies
            var kept: [Int] = []
            for dependency in dependencies {
                let through = dependencies.first { $0 != dependency && ancestors[$0].contains(dependency) }
                if let through {
                    let agent = plan.agents[index].name
                    let target = plan.agents[dependency].name
                    changes.append(
                        "dropped `\(target)` → `\(agent)`: `\(agent)` already waits for `\(target)` through `\(plan.agents[through].name)`")
                } else {
                    kept.append(dependency)
                }
            }
            plan.agents[index].dependencies = kept
        }
        return changes
    }
}

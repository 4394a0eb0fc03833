/// Numbers agents by depth for display: stage 0 has no dependencies, others 1 + their deepest one.
///
/// Stages are for people reading graphs; the runtime starts agents as soon as their
/// own dependencies finish, not stage by stage.
public struct StageAssignment: PlanPass {
    public let name = "stage assignment"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        for index in plan.agents.indices {
            let dependencies = plan.agents[index].dependencies
            plan.agents[index].stage = 1 + (dependencies.map { plan.agents[$0].stage }.max() ?? -1)
        }
        let stageCount = (plan.agents.map(\.stage).max() ?? -1) + 1
        return stageCount == 0 ? [] : ["\(plan.agents.count) agent\(plan.agents.count == 1 ? "" : "s") in \(stageCount) stage\(stageCount == 1 ? "" : "s")"]
    }
}

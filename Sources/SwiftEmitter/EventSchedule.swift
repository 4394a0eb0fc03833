import Planner

/// The order a generated pipeline runs one specialization's agents in.
///
/// Agents go level by level (a level waits only for earlier levels). Within a level the
/// in-process agents run one after another (inline, no task), then the agents that wait
/// on I/O start together with `async let`. Each entry is a step the inline attempt can
/// stop at and the awaiting path carry on from.
struct EventSchedule {
    enum Step: Equatable {
        case agent(Int)
        /// Awaited agents independent of each other, called concurrently.
        case concurrent([Int])
    }

    let steps: [Step]

    /// Kinds the runtime calls in-process (inline) unless they are rate-limited.
    static let inProcessKinds: Set<String> = ["lookup", "geoip", "sentiment", "function"]

    /// Whether the generated code tries `agent` inline (the runtime still decides: an
    /// agent whose call turns out to be awaited makes the inline attempt stop there).
    static func runsInline(_ agent: PlanAgent) -> Bool {
        agent.kind == "expr" || (inProcessKinds.contains(agent.kind) && agent.rateLimit == nil)
    }

    init(plan: Plan, agents: [Int], dependencies: (Int) -> [Int]) {
        let members = Set(agents)
        var level: [Int: Int] = [:]
        for index in agents {
            level[index] = (dependencies(index).filter(members.contains).compactMap { level[$0] }.max() ?? -1) + 1
        }
        var steps: [Step] = []
        for depth in Set(level.values).sorted() {
            let atLevel = agents.filter { level[$0] == depth }
            for index in atLevel where Self.runsInline(plan.agents[index]) { steps.append(.agent(index)) }
            let awaited = atLevel.filter { !Self.runsInline(plan.agents[$0]) }
            if awaited.count == 1 { steps.append(.agent(awaited[0])) } else if !awaited.isEmpty { steps.append(.concurrent(awaited)) }
        }
        self.steps = steps
    }
}

/// Specializations that run the same agents under the same guards share one function.
struct SpecializationGroup {
    /// Event types routed here; empty for the catch-all (`default:`).
    var eventTypes: [String]
    var isCatchAll: Bool
    var agents: [Int]
    var guards: [Int: PlanExpression]
    var dependencies: [Int: [Int]]

    /// The plan's specializations grouped; the catch-all last (one is made when the plan has none).
    static func groups(of plan: Plan) -> [SpecializationGroup] {
        var catchAll: SpecializationGroup
        if let general = plan.specializations.first(where: { $0.eventType == nil }) {
            catchAll = SpecializationGroup(
                eventTypes: [], isCatchAll: true, agents: general.agents, guards: general.guards,
                dependencies: general.rewiredDependencies)
        } else {
            var guards: [Int: PlanExpression] = [:]
            for (index, agent) in plan.agents.enumerated() { guards[index] = agent.when }
            catchAll = SpecializationGroup(eventTypes: [], isCatchAll: true, agents: Array(plan.agents.indices), guards: guards, dependencies: [:])
        }
        var typed: [SpecializationGroup] = []
        for specialization in plan.specializations {
            guard let type = specialization.eventType else { continue }
            let candidate = SpecializationGroup(
                eventTypes: [type], isCatchAll: false, agents: specialization.agents, guards: specialization.guards,
                dependencies: specialization.rewiredDependencies)
            if candidate.runsLike(catchAll) { continue }
            if let position = typed.firstIndex(where: { candidate.runsLike($0) }) {
                typed[position].eventTypes.append(type)
            } else {
                typed.append(candidate)
            }
        }
        return typed + [catchAll]
    }

    func runsLike(_ other: SpecializationGroup) -> Bool {
        agents == other.agents && guards == other.guards && dependencies == other.dependencies
    }

    func dependencies(of index: Int, in plan: Plan) -> [Int] { dependencies[index] ?? plan.agents[index].dependencies }
}

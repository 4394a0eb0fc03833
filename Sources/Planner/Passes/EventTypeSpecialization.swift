/// Gives each event type its own pre-resolved DAG by evaluating guards on `event.type`.
///
/// The string literals compared with `event.type` in any guard are the event types the
/// plan distinguishes. For each of them, and for "any other type" (`eventType` nil),
/// every guard is partially evaluated: agents whose guard is false for that type are
/// left out, residual guards are kept, and agents that waited for a left-out agent
/// wait for what it waited for instead (``PlanSpecialization/rewiredDependencies``).
public struct EventTypeSpecialization: PlanPass {
    public let name = "specialization per event type"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        var knownTypes: Set<String> = []
        for agent in plan.agents {
            if let when = agent.when { knownTypes.formUnion(GuardEvaluation.comparedTypes(in: when)) }
        }
        var specializations: [PlanSpecialization] = []
        var changes: [String] = []
        for eventType in knownTypes.sorted().map(Optional.some) + [nil] {
            let specialization = Self.specialize(plan, eventType: eventType, knownTypes: knownTypes)
            specializations.append(specialization)
            let label = eventType.map { "`\($0)` events" } ?? (knownTypes.isEmpty ? "every event" : "events of any other type")
            let dropped = plan.agents.indices.filter { !specialization.agents.contains($0) }.map { "`\(plan.agents[$0].name)`" }
            var sentence = "\(label): \(specialization.agents.count) of \(plan.agents.count) agents"
            if !dropped.isEmpty { sentence += ", without \(dropped.joined(separator: ", "))" }
            if !specialization.guards.isEmpty { sentence += ", \(specialization.guards.count) guard\(specialization.guards.count == 1 ? "" : "s") left to check" }
            changes.append(sentence)
        }
        plan.specializations = specializations
        return changes
    }

    static func specialize(_ plan: Plan, eventType: String?, knownTypes: Set<String>) -> PlanSpecialization {
        var kept: [Int] = []
        var guards: [Int: PlanExpression] = [:]
        for (index, agent) in plan.agents.enumerated() {
            guard let when = agent.when else {
                kept.append(index)
                continue
            }
            switch GuardEvaluation.evaluate(when, eventType: eventType, knownTypes: knownTypes) {
            case .alwaysFalse: continue
            case .alwaysTrue: kept.append(index)
            case .residual(let rest):
                kept.append(index)
                guards[index] = rest
            }
        }
        return PlanSpecialization(
            eventType: eventType, agents: kept, guards: guards,
            rewiredDependencies: rewire(plan, keeping: Set(kept)))
    }

    /// Dependencies of kept agents with dropped agents replaced by what they waited for,
    /// reduced again, where that differs from the agent's own list.
    private static func rewire(_ plan: Plan, keeping kept: Set<Int>) -> [Int: [Int]] {
        guard kept.count < plan.agents.count else { return [:] }
        // Through dropped agents, the kept agents each one stands for (topological order).
        var standsFor: [Set<Int>] = []
        var ancestors: [AgentSet] = []
        var result: [Int: [Int]] = [:]
        for (index, agent) in plan.agents.enumerated() {
            var direct: Set<Int> = []
            for dependency in agent.dependencies {
                direct.formUnion(kept.contains(dependency) ? [dependency] : standsFor[dependency])
            }
            standsFor.append(direct)
            var reach = AgentSet(capacity: plan.agents.count)
            for dependency in direct {
                reach.insert(dependency)
                reach.formUnion(ancestors[dependency])
            }
            ancestors.append(reach)
            guard kept.contains(index) else { continue }
            let reduced = direct.filter { candidate in !direct.contains { $0 != candidate && ancestors[$0].contains(candidate) } }.sorted()
            if reduced != agent.dependencies { result[index] = reduced }
        }
        return result
    }
}

/// Merges agents that make exactly the same call, so it is made once per event.
///
/// Two agents are the same invocation when kind, settings, command, HTTP request,
/// inputs, guard, timeout, retry, fallback, cache, rate limit and `emit` all match. The
/// earlier one survives with the union of both agents' outputs (each still written under
/// its own name), the stricter concurrency limit, and the other in `mergedFrom`. Every
/// reference to the removed agent is pointed at the survivor; an output whose name the
/// survivor already uses for something else is renamed `<removed>_<field>`, which is only
/// possible for internal (`emit: false`) outputs. Agents where one waits for the other
/// are never merged, nor are side-effecting ones (see
/// ``DeadAgentElimination/hasSideEffects(_:)``): two identical POSTs are two requests.
/// Merging can make more agents identical, so the pass repeats.
public struct InvocationMerging: PlanPass {
    public let name = "merging identical invocations"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        var changes: [String] = []
        while let (survivor, removed) = Self.nextPair(in: plan) {
            changes += Self.merge(removed, into: survivor, plan: &plan)
        }
        return changes
    }

    /// The first pair (in plan order) of identical invocations that can merge.
    private static func nextPair(in plan: Plan) -> (Int, Int)? {
        var firstByKey: [InvocationKey: [Int]] = [:]
        let ancestors = plan.ancestors
        for index in plan.agents.indices where !DeadAgentElimination.hasSideEffects(plan.agents[index]) {
            let key = InvocationKey(plan.agents[index])
            for earlier in firstByKey[key, default: []] {
                let related = ancestors[index].contains(earlier) || ancestors[earlier].contains(index)
                if !related, outputsCanMerge(plan.agents[index], into: plan.agents[earlier]) { return (earlier, index) }
            }
            firstByKey[key, default: []].append(index)
        }
        return nil
    }

    /// Whether every output of `removed` can live on `survivor` under a name readers will find.
    private static func outputsCanMerge(_ removed: PlanAgent, into survivor: PlanAgent) -> Bool {
        guard removed.emit else { return true }
        // An emitted output must keep its name; a clash with a different output forbids the merge.
        return removed.outputs.allSatisfy { output in
            survivor.outputs.first { $0.name == output.name }.map { $0 == output } ?? true
        }
    }

    private static func merge(_ removedIndex: Int, into survivorIndex: Int, plan: inout Plan) -> [String] {
        let removed = plan.agents[removedIndex]
        var survivor = plan.agents[survivorIndex]
        var renamed: [String: String] = [:]
        var changes: [String] = []
        for output in removed.outputs {
            if let existing = survivor.outputs.first(where: { $0.name == output.name }) {
                if existing == output { continue }
                var fresh = "\(removed.name)_\(output.name)"
                while survivor.outputs.contains(where: { $0.name == fresh }) { fresh += "_" }
                renamed[output.name] = fresh
                var moved = output
                moved.name = fresh
                survivor.outputs.append(moved)
                changes.append("`\(removed.name).\(output.name)` is now `\(survivor.name).\(fresh)`")
            } else {
                survivor.outputs.append(output)
            }
        }
        survivor.concurrency = min(survivor.concurrency, removed.concurrency)
        survivor.mergedFrom += [removed.name] + removed.mergedFrom
        for name in removed.after where !survivor.after.contains(name) { survivor.after.append(name) }
        plan.agents[survivorIndex] = survivor

        var rewritten: Set<String> = []
        for index in plan.agents.indices where index != removedIndex {
            let agentName = plan.agents[index].name
            plan.agents[index].rewriteExpressions { _, expression in
                expression.rewritten { node in
                    guard case .agent(removed.name, let path) = node else { return node }
                    rewritten.insert(agentName)
                    guard let field = path.first else { return .agent(survivor.name, path) }
                    return .agent(survivor.name, [renamed[field] ?? field] + path.dropFirst())
                }
            }
            plan.agents[index].after = plan.agents[index].after.reduce(into: []) { result, name in
                let target = name == removed.name ? survivor.name : name
                if target != plan.agents[index].name, !result.contains(target) { result.append(target) }
            }
        }
        var sentence = "merged `\(removed.name)` into `\(survivor.name)`: the same `\(survivor.kind)` call"
        if !rewritten.isEmpty {
            sentence += "; \(rewritten.sorted().map { "`\($0)`" }.joined(separator: ", ")) now read\(rewritten.count == 1 ? "s" : "") `\(survivor.name)`"
        }
        plan.removeAgents(at: [removedIndex])
        EdgeInference.refresh(&plan)
        plan.restoreTopologicalOrder()
        return [sentence] + changes
    }
}

/// Everything that decides what call an agent makes, for finding identical ones.
private struct InvocationKey: Hashable {
    var kind: String
    var settings: [String: String]
    var command: [String]?
    var environment: [String: String]?
    var http: PlanHTTP?
    var inputs: [PlanInput]
    var when: PlanExpression?
    var timeout: Int64
    var retry: PlanRetry
    var fallback: PlanFallback
    var cache: PlanCache?
    var rateLimit: PlanRateLimit?
    var emit: Bool

    init(_ agent: PlanAgent) {
        kind = agent.kind
        settings = agent.settings
        command = agent.command
        environment = agent.environment
        http = agent.http
        inputs = agent.inputs
        when = agent.when
        timeout = agent.timeoutMicroseconds
        retry = agent.retry
        fallback = agent.fallback
        cache = agent.cache
        rateLimit = agent.rateLimit
        emit = agent.emit
    }
}

import EventJSON
import Foundation
import Planner

/// A plan's agents made ready to run: calls set up, caches opened, environment read.
///
/// Built once per run and shared by whatever processes the events: the interpreter
/// (``PlanExecutor``) or a generated pipeline, which reaches its agents through
/// ``agent(_:)``. Setting up fails early on missing environment variables or agents that
/// cannot be set up (a missing table, an unregistered function...).
public struct PreparedPipeline: Sendable {
    public let plan: Plan
    let agents: [RuntimeAgent]
    /// The environment variables the plan reads (`env.X`), and nothing else.
    public let environment: [String: String]
    /// Names in the plan's expressions resolved to output slots and environment values.
    let resolver: ExpressionResolver
    /// Wall-clock microseconds, for cache freshness (injectable for tests).
    let wallClock: @Sendable () -> Int64

    public init(
        plan: Plan, calls: any AgentCallProvider, cachePersistence: (any CachePersistence)?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        wallClock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
    ) throws {
        self.plan = plan
        self.wallClock = wallClock
        var needed = Set<String>()
        for expression in plan.expressions {
            expression.visit { if case .env(let name) = $0 { needed.insert(name) } }
        }
        let missing = needed.filter { environment[$0] == nil }.sorted()
        if !missing.isEmpty { throw RunError.missingEnvironment(missing) }
        var exposed: [String: String] = [:]
        for name in needed { exposed[name] = environment[name] }
        let resolver = ExpressionResolver(plan: plan, environment: exposed)
        var runtimeAgents: [RuntimeAgent] = []
        for (index, agent) in plan.agents.enumerated() {
            let call: AgentCall?
            do {
                call = try calls.makeCall(for: agent)
            } catch {
                throw RunError.agentLoadFailed(agent: agent.name, reason: "\(error)")
            }
            let cache = agent.cache.map { ResultCache(agent: agent.name, ttlMicroseconds: $0.ttlMicroseconds, persistence: cachePersistence) }
            runtimeAgents.append(RuntimeAgent(index: index, plan: agent, call: call, cache: cache, resolver: resolver))
        }
        agents = runtimeAgents
        self.resolver = resolver
        self.environment = exposed
    }

    /// The interpreter over these agents.
    public func makeInterpreter() -> PlanExecutor {
        PlanExecutor(plan: plan, agents: agents, resolver: resolver, wallClock: wallClock)
    }

    /// The agent at `index` in the plan, for generated pipelines.
    public func agent(_ index: Int) -> CompiledAgent {
        CompiledAgent(agent: agents[index], wallClock: wallClock)
    }
}

import EventJSON
import Foundation
import Planner

/// Runs one event through a plan: guards, inputs, cache, calls, retries, fallbacks.
///
/// Events whose agents all run in-process take ``processInline(_:)``: a straight loop
/// in dependency order with no task switches. Events that need an awaited call or a
/// retry pause take ``process(_:)``, where each agent starts as soon as the agents it
/// depends on are done (dataflow, not stage barriers) and timeouts are capped by what
/// is left of the event's deadline.
public final class PlanExecutor: Sendable {
    let plan: Plan
    let agents: [RuntimeAgent]
    let agentIndex: [String: Int]
    let environment: [String: JSONValue]
    /// Wall-clock microseconds, for cache freshness (injectable for tests).
    let wallClock: @Sendable () -> Int64
    /// Agents to run per `event.type` value (specialization), and for any other type.
    let routes: [String?: Route]
    let fallbackRoute: Route

    init(plan: Plan, agents: [RuntimeAgent], environment: [String: String], wallClock: @escaping @Sendable () -> Int64) {
        self.plan = plan
        self.agents = agents
        var index: [String: Int] = [:]
        for agent in agents { index[agent.name] = agent.index }
        self.agentIndex = index
        self.environment = environment.mapValues { .string($0) }
        self.wallClock = wallClock
        (routes, fallbackRoute) = Self.routes(for: plan)
    }

    /// The outcome of the inline attempt: done, or the event needs ``process(_:resuming:)``.
    public enum InlineOutcome: Sendable {
        case finished(EventResult)
        case needsAwait(InlineProgress)
    }

    /// How far the inline attempt got, so the awaiting path carries on from there and no
    /// agent is called twice.
    public struct InlineProgress: Sendable {
        var state: EventState
        var done: Set<Int>
        /// An inline agent whose first attempt failed and may be retried after a pause.
        var retry: (index: Int, attemptsUsed: Int, reason: String)?
    }

    // MARK: Per-event state

    struct EventState: Sendable {
        /// Per agent, its output values in `plan.outputs` order (nil: not produced).
        var outputs: [[JSONValue?]?]
        var reports: [AgentReport] = []
        var failure: String?
        let startedAt: UInt64

        init(agentCount: Int) {
            outputs = Array(repeating: nil, count: agentCount)
            startedAt = DispatchTime.now().uptimeNanoseconds
        }

        var elapsedMicroseconds: Int64 { Int64((DispatchTime.now().uptimeNanoseconds &- startedAt) / 1000) }

        mutating func record(_ outcome: AgentCallOutcome) {
            if let produced = outcome.outputs { outputs[outcome.index] = produced }
            reports.append(outcome.report)
            if let failure = outcome.failure { self.failure = failure }
        }
    }

    struct Scope: EvaluationScope {
        let event: JSONValue
        let executor: PlanExecutor
        let outputs: [[JSONValue?]?]
        var inputs: JSONObject

        func event(_ path: [String]) -> JSONValue? { path.isEmpty ? event : event[path: path] }
        func environment(_ name: String) -> JSONValue? { executor.environment[name] }
        func input(_ path: [String]) -> JSONValue? {
            guard let first = path.first, let value = inputs[first] else { return nil }
            return path.count == 1 ? value : value[path: path.dropFirst()]
        }
        func agentOutput(_ agent: String, _ path: [String]) -> JSONValue? {
            guard let index = executor.agentIndex[agent], let fields = outputs[index], let first = path.first,
                let position = executor.agents[index].outputNames.firstIndex(of: first), let value = fields[position]
            else { return nil }
            return path.count == 1 ? value : value[path: path.dropFirst()]
        }
    }

    /// The agents to run for an event and what is left of their guards.
    struct Route {
        var agents: [Int]
        var guards: [Int: PlanExpression]
        /// What each agent waits for on this route (transitive reduction may have
        /// routed an edge through an agent this route leaves out).
        var waitsFor: [[Int]]
    }

    func specialization(for event: JSONValue) -> Route {
        var type: String?
        if case .string(let text)? = event[path: ["type"]] { type = text }
        if let type, let route = routes[type] { return route }
        return fallbackRoute
    }

    static func routes(for plan: Plan) -> (byType: [String?: Route], fallback: Route) {
        var byType: [String?: Route] = [:]
        for specialization in plan.specializations {
            let waitsFor = plan.agents.indices.map { specialization.dependencies(of: $0, in: plan) }
            byType[specialization.eventType] = Route(agents: specialization.agents, guards: specialization.guards, waitsFor: waitsFor)
        }
        // Without specializations every agent runs under its own guard.
        var guards: [Int: PlanExpression] = [:]
        for (index, agent) in plan.agents.enumerated() { guards[index] = agent.when }
        let fallback = byType[nil] ?? Route(agents: Array(plan.agents.indices), guards: guards, waitsFor: plan.agents.map(\.dependencies))
        return (byType, fallback)
    }

    /// Whether the guard (if any) of `index` holds, and the agent's inputs, or why not.
    private enum Readiness {
        case guarded
        case missingInput(String)
        case ready(JSONObject)
    }

    private func readiness(of index: Int, in specialization: Route, event: JSONValue, state: EventState) -> Readiness {
        let scope = Scope(event: event, executor: self, outputs: state.outputs, inputs: JSONObject())
        if let guardExpression = specialization.guards[index], !ExpressionEvaluator.holds(guardExpression, in: scope) {
            return .guarded
        }
        var inputs = JSONObject()
        for input in agents[index].plan.inputs {
            guard let value = ExpressionEvaluator.evaluate(input.value, in: scope) else {
                return .missingInput(input.name)
            }
            inputs[input.name] = value
        }
        return .ready(inputs)
    }

    // MARK: Inline path

    /// Runs the event without suspending if every agent it needs can run inline.
    public func processInline(_ event: JSONValue) -> InlineOutcome {
        let specialization = specialization(for: event)
        var state = EventState(agentCount: agents.count)
        var done = Set<Int>()
        for index in specialization.agents {
            let agent = agents[index]
            switch readiness(of: index, in: specialization, event: event, state: state) {
            case .guarded:
                done.insert(index)
                continue
            case .missingInput(let name):
                state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"))
                done.insert(index)
            case .ready(let inputs):
                guard agent.isInline else { return .needsAwait(InlineProgress(state: state, done: done)) }
                let scope = Scope(event: event, executor: self, outputs: state.outputs, inputs: inputs)
                if !agent.expressionOutputs.isEmpty || agent.call == nil {
                    evaluateExpressionAgent(agent, scope: scope, state: &state)
                    done.insert(index)
                    continue
                }
                guard case .inline(let function)? = agent.call else { return .needsAwait(InlineProgress(state: state, done: done)) }
                defer { done.insert(index) }
                let key = agent.cache.map { _ in agent.cacheKey(inputs: inputs, scope: scope) }
                switch agent.attemptInline(function, request: agent.request(inputs: inputs, scope: scope), key: key, wallClock: wallClock) {
                case .outcome(let outcome):
                    state.record(outcome)
                    if state.failure != nil { return .finished(finish(state)) }
                case .retry(let reason):
                    return .needsAwait(InlineProgress(state: state, done: done, retry: (index, 1, reason)))
                }
            }
        }
        return .finished(finish(state))
    }

    private func evaluateExpressionAgent(_ agent: RuntimeAgent, scope: Scope, state: inout EventState) {
        var fields = [JSONValue?](repeating: nil, count: agent.outputNames.count)
        for (position, expression) in agent.expressionOutputs {
            if let value = ExpressionEvaluator.evaluate(expression, in: scope), value != .null { fields[position] = value }
        }
        state.outputs[agent.index] = fields
        state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .ok, attempts: 1, latencyMicroseconds: 0))
    }

    // MARK: Awaiting path

    /// Runs the event with dataflow scheduling; awaited calls overlap where the graph allows.
    public func process(_ event: JSONValue, resuming progress: InlineProgress? = nil) async -> EventResult {
        let specialization = specialization(for: event)
        var state = progress?.state ?? EventState(agentCount: agents.count)
        let members = Set(specialization.agents)
        var done = progress?.done ?? []
        var started = done
        let retry = progress?.retry
        await withTaskGroup(of: AgentCallOutcome.self) { group in
            var running = 0
            while state.failure == nil {
                var progressed = true
                while progressed, state.failure == nil {
                    progressed = false
                    for index in specialization.agents where !started.contains(index) {
                        let waitsFor = specialization.waitsFor[index].filter(members.contains)
                        guard waitsFor.allSatisfy(done.contains) else { continue }
                        started.insert(index)
                        progressed = true
                        let agent = agents[index]
                        switch readiness(of: index, in: specialization, event: event, state: state) {
                        case .guarded:
                            done.insert(index)
                        case .missingInput(let name):
                            state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"))
                            done.insert(index)
                        case .ready(let inputs):
                            let scope = Scope(event: event, executor: self, outputs: state.outputs, inputs: inputs)
                            if agent.call == nil {
                                evaluateExpressionAgent(agent, scope: scope, state: &state)
                                done.insert(index)
                                continue
                            }
                            let key = agent.cache.map { _ in agent.cacheKey(inputs: inputs, scope: scope) }
                            let deadlineLeft = plan.deadlineMicroseconds.map { $0 - state.elapsedMicroseconds }
                            running += 1
                            let request = agent.request(inputs: inputs, scope: scope)
                            let resumed = retry?.index == index ? retry : nil
                            let wallClock = self.wallClock
                            group.addTask {
                                await agent.invoke(
                                    request: request, key: key, deadlineLeft: deadlineLeft,
                                    attemptsUsed: resumed?.attemptsUsed ?? 0, lastFailure: resumed?.reason, wallClock: wallClock)
                            }
                        }
                    }
                }
                guard running > 0, let outcome = await group.next() else { break }
                running -= 1
                state.record(outcome)
                done.insert(outcome.index)
            }
            group.cancelAll()
        }
        // Reports in plan order, whatever order the calls finished in.
        let order = Dictionary(uniqueKeysWithValues: agents.map { ($0.name, $0.index) })
        state.reports.sort { (order[$0.agent] ?? 0) < (order[$1.agent] ?? 0) }
        return finish(state)
    }

    // MARK: Result

    private func finish(_ state: EventState) -> EventResult {
        var fields: [(String, JSONValue)] = []
        if state.failure == nil {
            for agent in agents where agent.plan.emit {
                guard let produced = state.outputs[agent.index] else { continue }
                for (position, name) in agent.outputNames.enumerated() {
                    if let value = produced[position] { fields.append((name, value)) }
                }
            }
        }
        return EventResult(reports: state.reports, fields: fields, latencyMicroseconds: state.elapsedMicroseconds, failure: state.failure)
    }
}

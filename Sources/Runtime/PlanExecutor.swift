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
    /// The dedup key, resolved (nil without dedup).
    let dedupKey: ResolvedExpression?
    /// Wall-clock microseconds, for cache freshness (injectable for tests).
    let wallClock: @Sendable () -> Int64
    /// Agents to run per `event.type` value (specialization), and for any other type.
    let routes: [String?: Route]
    let fallbackRoute: Route
    /// Output fields of agents that emit (the most an event can add).
    let emittedOutputCount: Int
    /// Output slots of all agents (the size of an event's outputs array).
    let outputCount: Int
    /// The slot and name of every output an event may emit, in plan order.
    let emittedSlots: [(slot: Int, name: String)]

    init(plan: Plan, agents: [RuntimeAgent], resolver: ExpressionResolver, wallClock: @escaping @Sendable () -> Int64) {
        self.plan = plan
        self.agents = agents
        self.dedupKey = plan.dedup.map { resolver.resolve($0.key) }
        self.wallClock = wallClock
        outputCount = resolver.outputCount
        emittedOutputCount = agents.filter(\.plan.emit).reduce(0) { $0 + $1.outputNames.count }
        emittedSlots = agents.filter(\.plan.emit).flatMap { agent in
            agent.outputNames.enumerated().map { (slot: agent.outputStart + $0.offset, name: $0.element) }
        }
        (routes, fallbackRoute) = Self.routes(for: plan, resolver: resolver)
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
        /// Every agent's output values, agent after agent (``RuntimeAgent/outputStart``);
        /// nil: not produced.
        var outputs: [JSONValue?]
        var reports: [AgentReport] = []
        var failure: String?
        let startedAt: UInt64

        init(agentCount: Int, outputCount: Int) {
            outputs = Array(repeating: nil, count: outputCount)
            reports.reserveCapacity(agentCount)
            startedAt = DispatchTime.now().uptimeNanoseconds
        }

        var elapsedMicroseconds: Int64 { Int64((DispatchTime.now().uptimeNanoseconds &- startedAt) / 1000) }

        mutating func record(_ outcome: AgentCallOutcome) {
            outcome.storeOutputs(into: &outputs)
            reports.append(outcome.report)
            if let failure = outcome.failure { self.failure = failure }
        }
    }

    /// What an expression can see: the event, the outputs so far, the agent's inputs.
    ///
    /// The outputs are borrowed (``withScope(event:outputs:inputs:_:)``): a scope is made
    /// for every agent of every event, and holding the array would retain and release it
    /// each time.
    struct Scope: EvaluationScope {
        let event: JSONValue
        let outputs: UnsafeBufferPointer<JSONValue?>
        var inputs: JSONObject?

        func event(_ path: [String]) -> JSONValue? { path.isEmpty ? event : event[path: path] }
        func eventField(_ name: String) -> JSONValue? {
            guard case .object(let object) = event else { return nil }
            return object.member(name)
        }
        func input(_ path: [String]) -> JSONValue? {
            guard let first = path.first, let value = inputs?[first] else { return nil }
            return path.count == 1 ? value : value[path: path.dropFirst()]
        }
        func agentOutput(slot: Int, rest: [String]) -> JSONValue? {
            // No outputs at all where no agent has run yet (the dedup key).
            guard slot < outputs.count, let value = outputs[slot] else { return nil }
            return rest.isEmpty ? value : value[path: rest]
        }
    }

    /// Runs `body` with a scope over `outputs`, valid only inside it.
    @inline(__always)
    func withScope<Result>(event: JSONValue, outputs: [JSONValue?], inputs: JSONObject? = nil, _ body: (Scope) -> Result) -> Result {
        outputs.withUnsafeBufferPointer { body(Scope(event: event, outputs: $0, inputs: inputs)) }
    }

    /// The agents to run for an event and what is left of their guards.
    ///
    /// A class: every event takes one, and a struct of three arrays cost three retains.
    final class Route: Sendable {
        let agents: [Int]
        /// Per agent, what is left of its guard on this route (nil: none).
        let guards: [ResolvedExpression?]
        /// What each agent waits for on this route (transitive reduction may have
        /// routed an edge through an agent this route leaves out).
        let waitsFor: [[Int]]

        init(agents: [Int], guards: [ResolvedExpression?], waitsFor: [[Int]]) {
            self.agents = agents
            self.guards = guards
            self.waitsFor = waitsFor
        }
    }

    func specialization(for event: JSONValue) -> Route {
        var type: String?
        if case .object(let object) = event, case .string(let text)? = object.member("type") { type = text }
        if let type, let route = routes[type] { return route }
        return fallbackRoute
    }

    static func routes(for plan: Plan, resolver: ExpressionResolver) -> (byType: [String?: Route], fallback: Route) {
        var byType: [String?: Route] = [:]
        for specialization in plan.specializations {
            let waitsFor = plan.agents.indices.map { specialization.dependencies(of: $0, in: plan) }
            let guards = plan.agents.indices.map { specialization.guards[$0].map(resolver.resolve) }
            byType[specialization.eventType] = Route(agents: specialization.agents, guards: guards, waitsFor: waitsFor)
        }
        // Without specializations every agent runs under its own guard.
        let guards = plan.agents.map { $0.when.map(resolver.resolve) }
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
        withScope(event: event, outputs: state.outputs) { scope in
            if let guardExpression = specialization.guards[index], !ExpressionEvaluator.holds(guardExpression, in: scope) {
                return .guarded
            }
            let agent = agents[index]
            var values: [JSONValue] = []
            values.reserveCapacity(agent.inputs.count)
            for position in agent.inputs.indices {
                guard let value = ExpressionEvaluator.evaluate(agent.inputs[position].value, in: scope) else {
                    return .missingInput(agent.inputs[position].name)
                }
                values.append(value)
            }
            return .ready(JSONObject(uniqueKeys: agent.inputNames, values: values))
        }
    }

    // MARK: Inline path

    /// Runs the event without suspending if every agent it needs can run inline.
    public func processInline(_ event: JSONValue) -> InlineOutcome {
        let specialization = specialization(for: event)
        var state = EventState(agentCount: agents.count, outputCount: outputCount)
        // Agents run in route order, so the ones done are always those before `position`.
        func progress(_ position: Int, retry: (index: Int, attemptsUsed: Int, reason: String)? = nil) -> InlineOutcome {
            .needsAwait(InlineProgress(state: state, done: Set(specialization.agents[..<position]), retry: retry))
        }
        for (position, index) in specialization.agents.enumerated() {
            let agent = agents[index]
            switch readiness(of: index, in: specialization, event: event, state: state) {
            case .guarded:
                continue
            case .missingInput(let name):
                state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"))
            case .ready(let inputs):
                guard agent.isInline else {
                    // A cached answer or an open circuit needs no call: settle it here.
                    let key = agent.cache == nil ? nil : cacheKey(agent, event: event, inputs: inputs, outputs: state.outputs)
                    guard agent.call != nil, let outcome = agent.settledWithoutCall(key: key, wallClock: wallClock) else { return progress(position) }
                    state.record(outcome)
                    if state.failure != nil { return .finished(finish(state)) }
                    continue
                }
                if !agent.expressionOutputs.isEmpty || agent.call == nil {
                    evaluateExpressionAgent(agent, event: event, inputs: inputs, state: &state)
                    continue
                }
                guard case .inline(let function)? = agent.call else { return progress(position) }
                if agent.cache == nil, agent.httpTemplates == nil {
                    // The usual in-process call: no cache key to make, no request to
                    // interpolate, and the result's fields go straight into the outputs.
                    let began = DispatchTime.now().uptimeNanoseconds
                    do throws(AgentCallFailure) {
                        let result = try function(AgentRequest(inputs: inputs))
                        agent.storeOutputs(from: result, into: &state.outputs)
                        let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
                        state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .ok, attempts: 1, latencyMicroseconds: latency))
                    } catch {
                        // A retry needs a pause: leave that to the awaiting path.
                        if error.isRetryable, agent.retry.attempts > 1 { return progress(position, retry: (index, 1, error.reason)) }
                        let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
                        state.record(agent.fallback(reason: error.reason, attempts: 1, latency: latency, key: nil))
                        if state.failure != nil { return .finished(finish(state)) }
                    }
                    continue
                }
                let (key, request) = prepareCall(agent, event: event, inputs: inputs, outputs: state.outputs)
                switch agent.attemptInline(function, request: request, key: key, wallClock: wallClock) {
                case .outcome(let outcome):
                    state.record(outcome)
                    if state.failure != nil { return .finished(finish(state)) }
                case .retry(let reason):
                    return progress(position, retry: (index, 1, reason))
                }
            }
        }
        return .finished(finish(state))
    }

    /// The cache key of a call to `agent` (which has a cache).
    private func cacheKey(_ agent: RuntimeAgent, event: JSONValue, inputs: JSONObject, outputs: [JSONValue?]) -> String {
        withScope(event: event, outputs: outputs, inputs: inputs) { agent.cacheKey(inputs: inputs, scope: $0) }
    }

    /// The cache key and the request of a call. The scope (which holds the outputs array)
    /// is gone on return, so storing the call's outputs afterwards does not copy the array.
    private func prepareCall(_ agent: RuntimeAgent, event: JSONValue, inputs: JSONObject, outputs: [JSONValue?]) -> (String?, AgentRequest) {
        withScope(event: event, outputs: outputs, inputs: inputs) { scope in
            (agent.cache.map { _ in agent.cacheKey(inputs: inputs, scope: scope) }, agent.request(inputs: inputs, scope: scope))
        }
    }

    private func evaluateExpressionAgent(_ agent: RuntimeAgent, event: JSONValue, inputs: JSONObject, state: inout EventState) {
        let fields = withScope(event: event, outputs: state.outputs, inputs: inputs) { expressionOutputs(of: agent, scope: $0) }
        for (position, value) in fields.enumerated() { state.outputs[agent.outputStart + position] = value }
        state.reports.append(AgentReport(agent: agent.name, agentIndex: agent.index, outcome: .ok, attempts: 1, latencyMicroseconds: 0))
    }

    private func expressionOutputs(of agent: RuntimeAgent, scope: Scope) -> [JSONValue?] {
        var fields = [JSONValue?](repeating: nil, count: agent.outputNames.count)
        for (position, expression) in agent.expressionOutputs {
            if let value = ExpressionEvaluator.evaluate(expression, in: scope), !value.isNull { fields[position] = value }
        }
        return fields
    }

    // MARK: Awaiting path

    /// Runs the event with dataflow scheduling; awaited calls overlap where the graph allows.
    public func process(_ event: JSONValue, resuming progress: InlineProgress? = nil) async -> EventResult {
        let specialization = specialization(for: event)
        var state = progress?.state ?? EventState(agentCount: agents.count, outputCount: outputCount)
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
                            if agent.call == nil {
                                evaluateExpressionAgent(agent, event: event, inputs: inputs, state: &state)
                                done.insert(index)
                                continue
                            }
                            let resumed = retry?.index == index ? retry : nil
                            let (key, request) = prepareCall(agent, event: event, inputs: inputs, outputs: state.outputs)
                            if resumed == nil, let outcome = agent.settledWithoutCall(key: key, wallClock: wallClock) {
                                state.record(outcome)
                                done.insert(index)
                                continue
                            }
                            let deadlineLeft = plan.deadlineMicroseconds.map { $0 - state.elapsedMicroseconds }
                            running += 1
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
        state.reports.sort { $0.agentIndex < $1.agentIndex }
        return finish(state)
    }

    // MARK: Result

    private func finish(_ state: EventState) -> EventResult {
        var fields: [(String, JSONValue)] = []
        if state.failure == nil {
            fields.reserveCapacity(emittedOutputCount)
            for (slot, name) in emittedSlots {
                if let value = state.outputs[slot] { fields.append((name, value)) }
            }
        }
        return EventResult(reports: state.reports, fields: fields, latencyMicroseconds: state.elapsedMicroseconds, failure: state.failure)
    }
}

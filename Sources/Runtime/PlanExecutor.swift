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
                state.reports.append(AgentReport(agent: agent.name, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"))
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
                if let key, let cached = agent.cache?.lookup(key), cached.expiresAtMicroseconds > wallClock() {
                    state.outputs[index] = agent.outputs(from: cached.value)
                    state.reports.append(AgentReport(agent: agent.name, outcome: .cached, attempts: 0, latencyMicroseconds: 0))
                    continue
                }
                let began = DispatchTime.now().uptimeNanoseconds
                do throws(AgentCallFailure) {
                    let result = try function(agent.request(inputs: inputs, scope: scope))
                    let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
                    if let key { agent.cache?.store(key, value: result, now: wallClock()) }
                    state.outputs[index] = agent.outputs(from: result)
                    state.reports.append(AgentReport(agent: agent.name, outcome: .ok, attempts: 1, latencyMicroseconds: latency))
                } catch {
                    // A retry needs a pause: leave that to the awaiting path.
                    if error.isRetryable, agent.retry.attempts > 1 {
                        return .needsAwait(InlineProgress(state: state, done: done, retry: (index, 1, error.reason)))
                    }
                    let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
                    applyFallback(agent, reason: error.reason, attempts: 1, latency: latency, key: key, state: &state)
                    if state.failure != nil { return .finished(finish(state)) }
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
        state.reports.append(AgentReport(agent: agent.name, outcome: .ok, attempts: 1, latencyMicroseconds: 0))
    }

    /// What happens when every attempt failed, per the agent's `fallback`.
    private func applyFallback(_ agent: RuntimeAgent, reason: String, attempts: Int, latency: Int64, key: String?, state: inout EventState) {
        var report = AgentReport(agent: agent.name, outcome: .skipped, attempts: attempts, latencyMicroseconds: latency, reason: reason)
        switch agent.plan.fallback {
        case .cache:
            if let key, let stale = agent.cache?.lookup(key) {
                state.outputs[agent.index] = agent.outputs(from: stale.value)
                report.outcome = .staleCache
            } else {
                report.reason = reason + "; nothing cached to fall back on"
            }
        case .skip:
            break
        case .fail:
            report.outcome = .failed
            state.failure = "agent `\(agent.name)` failed: \(reason)"
        case .defaults(let values):
            state.outputs[agent.index] = agent.outputNames.map { name in values[name].map(ExpressionEvaluator.value(of:)) }
            report.outcome = .defaulted
        }
        state.reports.append(report)
    }

    // MARK: Awaiting path

    private enum CallResult: Sendable {
        case success(JSONValue, outcome: AgentOutcome, attempts: Int, latency: Int64)
        case failure(String, attempts: Int, latency: Int64)
    }

    /// Runs the event with dataflow scheduling; awaited calls overlap where the graph allows.
    public func process(_ event: JSONValue, resuming progress: InlineProgress? = nil) async -> EventResult {
        let specialization = specialization(for: event)
        var state = progress?.state ?? EventState(agentCount: agents.count)
        let members = Set(specialization.agents)
        var done = progress?.done ?? []
        var started = done
        let retry = progress?.retry
        var keys: [Int: String] = [:]
        await withTaskGroup(of: (Int, CallResult).self) { group in
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
                            state.reports.append(AgentReport(agent: agent.name, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"))
                            done.insert(index)
                        case .ready(let inputs):
                            let scope = Scope(event: event, executor: self, outputs: state.outputs, inputs: inputs)
                            if agent.call == nil {
                                evaluateExpressionAgent(agent, scope: scope, state: &state)
                                done.insert(index)
                                continue
                            }
                            let key = agent.cache.map { _ in agent.cacheKey(inputs: inputs, scope: scope) }
                            keys[index] = key
                            let deadlineLeft = plan.deadlineMicroseconds.map { $0 - state.elapsedMicroseconds }
                            running += 1
                            let request = agent.request(inputs: inputs, scope: scope)
                            let resumed = retry?.index == index ? retry : nil
                            group.addTask {
                                (index, await self.call(
                                    agent, request: request, key: key, deadlineLeft: deadlineLeft,
                                    attemptsUsed: resumed?.attemptsUsed ?? 0, lastFailure: resumed?.reason))
                            }
                        }
                    }
                }
                guard running > 0, let (index, result) = await group.next() else { break }
                running -= 1
                let agent = agents[index]
                switch result {
                case .success(let value, let outcome, let attempts, let latency):
                    state.outputs[index] = agent.outputs(from: value)
                    state.reports.append(AgentReport(agent: agent.name, outcome: outcome, attempts: attempts, latencyMicroseconds: latency))
                case .failure(let reason, let attempts, let latency):
                    applyFallback(agent, reason: reason, attempts: attempts, latency: latency, key: keys[index], state: &state)
                }
                done.insert(index)
            }
            group.cancelAll()
        }
        // Reports in plan order, whatever order the calls finished in.
        let order = Dictionary(uniqueKeysWithValues: agents.map { ($0.name, $0.index) })
        state.reports.sort { (order[$0.agent] ?? 0) < (order[$1.agent] ?? 0) }
        return finish(state)
    }

    /// One agent with cache, attempts, timeouts capped by the deadline, and backoff.
    private func call(
        _ agent: RuntimeAgent, request: AgentRequest, key: String?, deadlineLeft: Int64?, attemptsUsed: Int = 0, lastFailure resumedFailure: String? = nil
    ) async -> CallResult {
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Int64 { Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000) }
        var random = SystemRandomNumberGenerator()
        var lastFailure = resumedFailure ?? "not called"
        var attempts = attemptsUsed
        if attemptsUsed == 0, let key, let cached = agent.cache?.lookup(key), cached.expiresAtMicroseconds > wallClock() {
            return .success(cached.value, outcome: .cached, attempts: 0, latency: elapsed())
        }
        if attemptsUsed > 0 {
            // Carrying on after an inline attempt failed: pause before the retry first.
            let pause = agent.retry.pause(beforeRetry: attemptsUsed, random: &random)
            if let deadlineLeft, elapsed() + pause >= deadlineLeft {
                return .failure(lastFailure + "; no time left for another attempt", attempts: attempts, latency: elapsed())
            }
            try? await Task.sleep(nanoseconds: UInt64(pause) * 1000)
        }
        guard attemptsUsed < agent.retry.attempts else {
            return .failure(lastFailure, attempts: attempts, latency: elapsed())
        }
        for attempt in (attemptsUsed + 1)...agent.retry.attempts {
            var timeout = agent.plan.timeoutMicroseconds
            if let deadlineLeft {
                let left = deadlineLeft - elapsed()
                if left <= 0 {
                    lastFailure = attempt == 1 ? "the event's deadline had passed before the call" : lastFailure + "; no time left for another attempt"
                    break
                }
                timeout = min(timeout, left)
            }
            // An open circuit fails fast, before waiting for a slot or a token; it may
            // also have opened while this call waited, so it is asked again after.
            if agent.breaker?.refuses(now: DispatchTime.now().uptimeNanoseconds) == true {
                lastFailure = attempts == 0 ? CircuitBreaker.openReason : lastFailure + "; " + CircuitBreaker.openReason
                break
            }
            let result: Result<JSONValue, AgentCallFailure>
            guard await agent.limits.acquire(maxWaitMicroseconds: deadlineLeft.map { $0 - elapsed() }) else {
                lastFailure = "rate limit of `\(agent.name)`: no call possible before the event's deadline"
                break
            }
            if let deadlineLeft {
                // Waiting for a slot or a rate-limit token may have used the time left.
                let left = deadlineLeft - elapsed()
                if left <= 0 {
                    agent.limits.release()
                    lastFailure = "the event's deadline passed while waiting for `\(agent.name)`'s concurrency or rate limit"
                    break
                }
                timeout = min(timeout, left)
            }
            let permission = agent.breaker?.permit(now: DispatchTime.now().uptimeNanoseconds) ?? .call
            if permission == .refused {
                agent.limits.release()
                lastFailure = attempts == 0 ? CircuitBreaker.openReason : lastFailure + "; " + CircuitBreaker.openReason
                break
            }
            let probe = permission == .probe
            attempts = attempt
            switch agent.call {
            case .inline(let function)?:
                do throws(AgentCallFailure) { result = .success(try function(request)) } catch { result = .failure(error) }
            case .awaited(let function)?:
                result = await TimeoutRace.call(function, request: request, timeoutMicroseconds: timeout)
            case nil:
                agent.limits.release()
                agent.breaker?.abandon(probe: probe)
                return .failure("agent has nothing to call", attempts: 0, latency: 0)
            }
            agent.limits.release()
            if let breaker = agent.breaker {
                // Only "the service did not answer usefully" counts against the circuit.
                let failed = if case .failure(let failure) = result { failure.isRetryable } else { false }
                breaker.record(failed: failed, probe: probe, now: DispatchTime.now().uptimeNanoseconds)
            }
            switch result {
            case .success(let value):
                if let key { agent.cache?.store(key, value: value, now: wallClock()) }
                return .success(value, outcome: .ok, attempts: attempt, latency: elapsed())
            case .failure(let failure):
                lastFailure = failure.reason
                guard failure.isRetryable, attempt < agent.retry.attempts else { break }
                if agent.breaker?.refuses(now: DispatchTime.now().uptimeNanoseconds) == true {
                    lastFailure += "; " + CircuitBreaker.openReason
                    break
                }
                // The service's Retry-After, when longer than the backoff, is the pause.
                var pause = agent.retry.pause(beforeRetry: attempt, random: &random)
                if let asked = failure.retryAfterMicroseconds, asked > pause {
                    pause = asked
                    if deadlineLeft == nil, asked > RetryPolicy.longestRetryAfterMicroseconds {
                        lastFailure += "; Retry-After is longer than the \(RetryPolicy.longestRetryAfterMicroseconds / 1_000_000)s a retry waits"
                        break
                    }
                }
                if let deadlineLeft, elapsed() + pause >= deadlineLeft {
                    lastFailure += "; no time left for another attempt"
                    break
                }
                try? await Task.sleep(nanoseconds: UInt64(pause) * 1000)
                continue
            }
            break
        }
        if attempts > 1 { lastFailure = "\(attempts) attempts failed; last: \(lastFailure)" }
        return .failure(lastFailure, attempts: attempts, latency: elapsed())
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
        let status: EventStatus =
            state.failure != nil ? .failed : (state.reports.contains { $0.outcome.isDegraded } ? .partial : .complete)
        return EventResult(status: status, reports: state.reports, fields: fields, latencyMicroseconds: state.elapsedMicroseconds, failure: state.failure)
    }
}

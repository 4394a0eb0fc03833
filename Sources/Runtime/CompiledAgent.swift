import EventJSON
import Planner

/// One agent as a generated pipeline calls it: the same cache, retry, timeout, limits
/// and fallback code the interpreter runs, without the plan interpretation around it.
///
/// A generated pipeline evaluates the agent's inputs itself (as Swift code), makes a
/// ``PreparedCall`` and calls ``callInline(_:)`` on the inline path or
/// ``call(_:deadlineLeft:resumingAfter:)`` when it may wait.
public struct CompiledAgent: Sendable {
    let agent: RuntimeAgent
    let wallClock: @Sendable () -> Int64

    public var name: String { agent.name }

    /// The call for these evaluated inputs; `cacheKey` is the `cache.key` value when the
    /// agent declares one (otherwise all inputs are the key), `url` and `headers` the
    /// interpolated request of an `http` agent.
    public func prepare(
        inputs: JSONObject, cacheKey: String? = nil, url: String? = nil, headers: [(name: String, value: String)] = []
    ) -> PreparedCall {
        let key = agent.cache.map { _ in cacheKey ?? JSONValue.object(inputs).jsonText }
        return PreparedCall(request: AgentRequest(inputs: inputs, url: url, headers: headers), key: key)
    }

    /// Calls the agent without suspending when it is an inline agent.
    public func callInline(_ prepared: PreparedCall) -> InlineCallResult {
        guard agent.isInline, case .inline(let function)? = agent.call else { return .mustAwait }
        switch agent.attemptInline(function, request: prepared.request, key: prepared.key, wallClock: wallClock) {
        case .outcome(let outcome): return .finished(outcome)
        case .retry(let reason): return .retry(reason: reason)
        }
    }

    /// Calls the agent with every attempt, pause and fallback; `resumingAfter` is the reason
    /// the inline attempt failed, when this carries on after it.
    public func call(_ prepared: PreparedCall, deadlineLeft: Int64?, resumingAfter failure: String? = nil) async -> AgentCallOutcome {
        await agent.invoke(
            request: prepared.request, key: prepared.key, deadlineLeft: deadlineLeft, attemptsUsed: failure == nil ? 0 : 1,
            lastFailure: failure, wallClock: wallClock)
    }

    /// ``call(_:deadlineLeft:resumingAfter:)`` when there is a call to make.
    public func call(ifPrepared prepared: PreparedCall?, deadlineLeft: Int64?) async -> AgentCallOutcome? {
        guard let prepared else { return nil }
        return await call(prepared, deadlineLeft: deadlineLeft)
    }

    /// The agent skipped because input `name` evaluated to nothing.
    public func missingInput(_ name: String) -> AgentCallOutcome { agent.missingInput(name) }

    /// An `expr` agent's outputs, evaluated by the caller, in `output:` order.
    public func evaluated(_ outputs: [JSONValue?]) -> AgentCallOutcome {
        agent.expressionOutcome(outputs.map { $0 == .null ? nil : $0 })
    }
}

/// An agent's request and cache key, ready to call.
public struct PreparedCall: Sendable {
    let request: AgentRequest
    let key: String?
}

/// What ``CompiledAgent/callInline(_:)`` did.
public enum InlineCallResult: Sendable {
    case finished(AgentCallOutcome)
    /// The first attempt failed and may be retried after a pause: carry on with
    /// ``CompiledAgent/call(_:deadlineLeft:resumingAfter:)`` on the awaiting path.
    case retry(reason: String)
    /// The agent is not inline (it does I/O, or waits for a rate limit).
    case mustAwait
}

import EventJSON
import Planner

/// Makes agent calls fail on purpose, deterministically from a seed: for testing
/// fallbacks, and for comparing the interpreter with a generated pipeline on them.
///
/// Whether a call fails depends only on the seed, the agent, its inputs and the attempt
/// (so a retry can succeed), never on timing or on other events: the interpreter and a
/// generated pipeline see the same faults. Half the injected failures are retryable.
public struct FaultInjectingCalls: AgentCallProvider {
    let base: any AgentCallProvider
    let seed: UInt64
    /// Share of calls that fail, 0...1.
    let rate: Double

    public init(wrapping base: any AgentCallProvider, seed: UInt64, rate: Double) {
        self.base = base
        self.seed = seed
        self.rate = rate
    }

    public func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        guard let call = try base.makeCall(for: agent) else { return nil }
        let name = agent.name
        let decide = { @Sendable (request: AgentRequest) -> AgentCallFailure? in fault(agent: name, request: request) }
        switch call {
        case .inline(let function):
            return .inline { request throws(AgentCallFailure) in
                if let failure = decide(request) { throw failure }
                return try function(request)
            }
        case .awaited(let function):
            return .awaited { request throws(AgentCallFailure) in
                if let failure = decide(request) { throw failure }
                return try await function(request)
            }
        }
    }

    func fault(agent: String, request: AgentRequest) -> AgentCallFailure? {
        var hasher = StableHash()
        hasher.add(String(seed))
        hasher.add(agent)
        hasher.add(JSONValue.object(request.inputs).jsonText)
        hasher.add(String(request.attempt))
        let draw = hasher.value
        guard Double(draw % 1_000_000) / 1_000_000 < rate else { return nil }
        let retryable = (draw >> 32) & 1 == 1
        return AgentCallFailure("injected fault (seed \(seed), attempt \(request.attempt))", retryable: retryable)
    }
}

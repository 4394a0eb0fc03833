import EventJSON
import Planner
import Synchronization

/// Makes agent calls fail on purpose, deterministically from a seed: for testing
/// fallbacks, and for comparing the interpreter with a generated pipeline on them.
///
/// Whether a call fails depends only on the seed, the agent, its inputs, and how many
/// times a call with those inputs was made before (so a retried call can succeed). Half
/// the injected failures are retryable. With one worker and one event per batch the
/// sequence of calls, and so every outcome, is the same from run to run.
public struct FaultInjectingCalls: AgentCallProvider {
    let base: any AgentCallProvider
    let seed: UInt64
    /// Share of calls that fail, 0...1.
    let rate: Double
    private let occurrences = Occurrences()

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
        let inputs = JSONValue.object(request.inputs).jsonText
        let occurrence = occurrences.next(agent + "\u{0}" + inputs)
        var hasher = StableHash()
        hasher.add(String(seed))
        hasher.add(agent)
        hasher.add(inputs)
        hasher.add(String(occurrence))
        let draw = hasher.value
        guard Double(draw % 1_000_000) / 1_000_000 < rate else { return nil }
        let retryable = (draw >> 32) & 1 == 1
        return AgentCallFailure("injected fault (seed \(seed), call \(occurrence + 1) with these inputs)", retryable: retryable)
    }

    /// How many calls were made per agent and inputs.
    private final class Occurrences: Sendable {
        private let counts = Mutex<[String: Int]>([:])

        func next(_ key: String) -> Int {
            counts.withLock { counts in
                defer { counts[key, default: 0] += 1 }
                return counts[key, default: 0]
            }
        }
    }
}

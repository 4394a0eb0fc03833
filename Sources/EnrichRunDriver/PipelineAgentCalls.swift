import NetworkAgents
import Planner
import Runtime

/// Sets up the call behind every agent of a plan for `enrich run` and generated binaries.
///
/// In-process kinds (lookup, geoip, sentiment, function) are called inline; `http`
/// goes through the shared network client; `expr` needs no call.
public struct PipelineAgentCalls: AgentCallProvider {
    public let inProcess: InProcessAgentCalls
    public let network: NetworkAgentProvider

    public init(inProcess: InProcessAgentCalls, network: NetworkAgentProvider) {
        self.inProcess = inProcess
        self.network = network
    }

    public func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        if agent.kind == "expr" { return nil }
        if let call = try inProcess.makeCall(for: agent) { return call }
        if let call = network.makeCall(for: agent) { return call }
        throw UnsupportedAgent(kind: agent.kind)
    }

    struct UnsupportedAgent: Error, CustomStringConvertible {
        let kind: String
        var description: String {
            "`\(kind)` agents cannot run yet in this version of enrich (supported: expr, lookup, geoip, sentiment, function, http)"
        }
    }
}

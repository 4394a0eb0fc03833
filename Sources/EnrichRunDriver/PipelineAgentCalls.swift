import NetworkAgents
import Planner
import ProcessAgents
import Runtime

/// Sets up the call behind every agent of a plan for `enrich run` and generated binaries.
///
/// In-process kinds (lookup, geoip, sentiment, function) are called inline; `http`
/// goes through the shared network client; `process` and `local_llm` through their
/// child processes; `expr` needs no call.
public struct PipelineAgentCalls: AgentCallProvider {
    public let inProcess: InProcessAgentCalls
    public let network: NetworkAgentProvider
    public let processes: ProcessAgentProvider

    public init(inProcess: InProcessAgentCalls, network: NetworkAgentProvider, processes: ProcessAgentProvider) {
        self.inProcess = inProcess
        self.network = network
        self.processes = processes
    }

    public func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        if agent.kind == "expr" { return nil }
        if let call = try inProcess.makeCall(for: agent) { return call }
        if let call = network.makeCall(for: agent) { return call }
        if let call = processes.makeCall(for: agent) { return call }
        throw UnsupportedAgent(kind: agent.kind)
    }

    /// An agent kind this build cannot run.
    struct UnsupportedAgent: Error, CustomStringConvertible {
        let kind: String
        var description: String {
            "`\(kind)` agents cannot run yet in this version of enrich (supported: expr, lookup, geoip, sentiment, function, http, process, local_llm)"
        }
    }
}

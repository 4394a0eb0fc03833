import Agents
import EventJSON
import Foundation
import NetworkAgents
import Planner
import Runtime

/// Sets up the call behind every agent of a plan for `enrich run`.
///
/// In-process kinds (lookup, geoip, sentiment, function) are built once and called
/// inline; `http` goes through the shared network client; `expr` needs no call.
struct PipelineAgentCalls: AgentCallProvider {
    let baseDirectory: URL
    let functions: FunctionRegistry
    let network: NetworkAgentProvider

    func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        if agent.kind == "expr" { return nil }
        if InProcessAgentFactory.isInProcess(kind: agent.kind) {
            let built = try InProcessAgentFactory.make(agent, baseDirectory: baseDirectory, functions: functions)
            return .inline { request throws(AgentCallFailure) in
                do throws(AgentFailure) {
                    return try built.call(request.inputs)
                } catch {
                    throw AgentCallFailure(error.reason, retryable: error.isRetryable)
                }
            }
        }
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

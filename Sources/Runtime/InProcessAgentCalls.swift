import Agents
import Foundation
import Planner

/// Calls for the agents that run inside the process: lookup, geoip, sentiment, function.
///
/// Each is built once from its plan entry (tables and lexicons loaded, functions
/// resolved) and called inline on the worker.
public struct InProcessAgentCalls: Sendable {
    public let baseDirectory: URL
    public let functions: FunctionRegistry

    public init(baseDirectory: URL, functions: FunctionRegistry = .builtIn) {
        self.baseDirectory = baseDirectory
        self.functions = functions
    }

    /// The call for an in-process agent, or nil if `agent` is not one.
    public func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        guard InProcessAgentFactory.isInProcess(kind: agent.kind) else { return nil }
        let built = try InProcessAgentFactory.make(agent, baseDirectory: baseDirectory, functions: functions)
        return .inline { request throws(AgentCallFailure) in
            do throws(AgentFailure) {
                return try built.call(request.inputs)
            } catch {
                throw AgentCallFailure(error.reason, retryable: error.isRetryable)
            }
        }
    }
}

import Planner

/// Makes the call behind each plan agent (in-process agents, HTTP clients, subprocesses).
public protocol AgentCallProvider: Sendable {
    /// The call for `agent`, or nil for `expr` agents; throws when it cannot be set up.
    func makeCall(for agent: PlanAgent) throws -> AgentCall?
}

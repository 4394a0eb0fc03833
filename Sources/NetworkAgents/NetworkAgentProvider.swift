import AsyncHTTPClient
import NIOCore
import Planner
import Runtime

/// Sets up the agents that talk to the network (`http` for now) on one shared client.
///
/// The client's connection pool per host is sized to the largest `concurrency` of the
/// plan's HTTP agents (AsyncHTTPClient's default of 8 would throttle them).
public final class NetworkAgentProvider: Sendable {
    private let client: HTTPClient

    public init(plan: Plan) {
        let concurrency = plan.agents.filter { $0.http != nil }.map(\.concurrency).max() ?? 8
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, concurrency))
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The call for a network agent, or nil if `agent` is not one.
    public func makeCall(for agent: PlanAgent) -> AgentCall? {
        guard agent.kind == "http", let http = agent.http else { return nil }
        let timeout = TimeAmount.microseconds(agent.timeoutMicroseconds) + .seconds(1)
        let httpAgent = HTTPAgent(name: agent.name, http: http, client: client, timeout: timeout)
        return .awaited { request async throws(AgentCallFailure) in try await httpAgent.call(request) }
    }

    /// Closes connections; call once the run is over.
    public func shutdown() async {
        try? await client.shutdown()
    }
}

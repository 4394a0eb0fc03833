import AsyncHTTPClient
import NIOCore
import Planner
import Runtime

/// Sets up the agents that talk to the network (`http` for now), one HTTP client each.
///
/// Each agent's client keeps at most `concurrency` connections per host, so an agent
/// never opens more connections than it may have calls in flight (AsyncHTTPClient's
/// default of 8 would also throttle a larger `concurrency`). Redirects are not followed:
/// a redirect could take the request, headers included, to a host `allow_hosts` does
/// not list. Call ``shutdown()`` once the run is over.
public final class NetworkAgentProvider: Sendable {
    /// The client of each `http` agent, by agent name.
    private let clients: [String: HTTPClient]

    public init(plan: Plan) {
        var clients: [String: HTTPClient] = [:]
        for agent in plan.agents where agent.kind == "http" && agent.http != nil {
            clients[agent.name] = Self.client(concurrency: agent.concurrency, connectTimeout: Self.clientTimeout(agent))
        }
        self.clients = clients
    }

    /// The call for a network agent, or nil if `agent` is not one of the plan's.
    public func makeCall(for agent: PlanAgent) -> AgentCall? {
        guard agent.kind == "http", let http = agent.http, let client = clients[agent.name] else { return nil }
        let httpAgent = HTTPAgent(name: agent.name, http: http, client: client, timeout: Self.clientTimeout(agent))
        return .awaited { request async throws(AgentCallFailure) in try await httpAgent.call(request) }
    }

    /// Closes connections; call once the run is over.
    public func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
    }

    /// The client's own deadline per request: beyond the runtime's timeout race, so an
    /// abandoned request still releases its connection.
    private static func clientTimeout(_ agent: PlanAgent) -> TimeAmount {
        .microseconds(agent.timeoutMicroseconds) + .seconds(1)
    }

    private static func client(concurrency: Int, connectTimeout: TimeAmount) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, concurrency))
        configuration.timeout = .init(connect: min(connectTimeout, .seconds(10)), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

import AsyncHTTPClient
import NIOCore
import Planner
import Runtime
import Synchronization

/// Sets up the agents that talk to the network (`http` for now), one HTTP client each.
///
/// Each agent's client keeps at most `concurrency` connections per host, so an agent
/// never opens more connections than it may have calls in flight (AsyncHTTPClient's
/// default of 8 would also throttle a larger `concurrency`). Redirects are not followed:
/// a redirect could take the request, headers included, to a host `allow_hosts` does
/// not list.
public final class NetworkAgentProvider: Sendable {
    private let clients = Mutex<[HTTPClient]>([])

    public init(plan: Plan) {}

    /// The call for a network agent, or nil if `agent` is not one.
    public func makeCall(for agent: PlanAgent) -> AgentCall? {
        guard agent.kind == "http", let http = agent.http else { return nil }
        let timeout = TimeAmount.microseconds(agent.timeoutMicroseconds) + .seconds(1)
        let client = Self.client(concurrency: agent.concurrency, connectTimeout: timeout)
        clients.withLock { $0.append(client) }
        let httpAgent = HTTPAgent(name: agent.name, http: http, client: client, timeout: timeout)
        return .awaited { request async throws(AgentCallFailure) in try await httpAgent.call(request) }
    }

    static func client(concurrency: Int, connectTimeout: TimeAmount) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, concurrency))
        configuration.timeout = .init(connect: min(connectTimeout, .seconds(10)), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes connections; call once the run is over.
    public func shutdown() async {
        for client in clients.withLock({ $0 }) { try? await client.shutdown() }
    }
}

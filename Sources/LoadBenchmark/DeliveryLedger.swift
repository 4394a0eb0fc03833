import Dispatch
import EventJSON
import StandInServers
import Synchronization

/// The stand-in webhook's record of a load run: per posted event (by sequence number) the
/// first acknowledged arrival, and counts of duplicates, statuses and each agent's outcomes.
final class DeliveryLedger: Sendable {
    struct State {
        /// Uptime ns of each event's first arrival (0: not yet).
        var arrivedAt: [UInt64]
        var delivered = 0
        var duplicates = 0
        var unknown = 0
        var statuses: [String: Int] = [:]
        /// Per agent, how many events had each outcome.
        var outcomes: [String: [String: Int]] = [:]
        /// Per agent, why it fell back (first 60 characters of the reason).
        var reasons: [String: [String: Int]] = [:]
        var requests = 0
    }

    private let state: Mutex<State>

    init(events: Int) { state = Mutex(State(arrivedAt: Array(repeating: 0, count: events))) }

    var handler: StandInServer.Handler { { request in self.receive(request) } }

    private func receive(_ request: StandInRequest) -> StandInReply {
        guard case .array(let events)? = try? JSONReader.parse(request.body) else { return .status(400) }
        let at = request.receivedAt
        var parsed: [(sequence: Int, status: String, agents: [(name: String, outcome: String, reason: String?)])] = []
        parsed.reserveCapacity(events.count)
        for event in events {
            guard case .string(let id)? = event[path: ["id"]], let sequence = Int(id.dropFirst()) else {
                parsed.append((-1, "", []))
                continue
            }
            var status = "?"
            if case .string(let text)? = event[path: ["_enrichment", "status"]] { status = text }
            var agents: [(name: String, outcome: String, reason: String?)] = []
            if case .object(let reports)? = event[path: ["_enrichment", "agents"]] {
                for (name, report) in zip(reports.keys, reports.values) {
                    guard case .string(let outcome)? = report[path: ["outcome"]] else { continue }
                    var reason: String?
                    if case .string(let text)? = report[path: ["reason"]] { reason = String(text.prefix(60)) }
                    agents.append((name, outcome, reason))
                }
            }
            parsed.append((sequence, status, agents))
        }
        state.withLock { state in
            state.requests += 1
            for (sequence, status, agents) in parsed {
                guard sequence >= 0, sequence < state.arrivedAt.count else {
                    state.unknown += 1
                    continue
                }
                if state.arrivedAt[sequence] != 0 {
                    state.duplicates += 1
                    continue
                }
                state.arrivedAt[sequence] = at
                state.delivered += 1
                state.statuses[status, default: 0] += 1
                for agent in agents {
                    state.outcomes[agent.name, default: [:]][agent.outcome, default: 0] += 1
                    if let reason = agent.reason { state.reasons[agent.name, default: [:]][reason, default: 0] += 1 }
                }
            }
        }
        return .json("{\"ok\":true}")
    }

    var delivered: Int { state.withLock { $0.delivered } }
    var snapshot: State { state.withLock { $0 } }
}

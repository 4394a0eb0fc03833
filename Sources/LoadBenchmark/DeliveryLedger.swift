import Dispatch
import EventJSON
import StandInServers
import Synchronization

/// The stand-in webhook's record of a load run: per posted event (by sequence number) the
/// first acknowledged arrival, and counts of duplicates, statuses and CRM outcomes.
final class DeliveryLedger: Sendable {
    struct State {
        /// Uptime ns of each event's first arrival (0: not yet).
        var arrivedAt: [UInt64]
        var delivered = 0
        var duplicates = 0
        var unknown = 0
        var statuses: [String: Int] = [:]
        var crmOutcomes: [String: Int] = [:]
        /// Why the CRM lookup fell back (first 60 characters of the reason).
        var crmReasons: [String: Int] = [:]
        var requests = 0
    }

    private let state: Mutex<State>

    init(events: Int) { state = Mutex(State(arrivedAt: Array(repeating: 0, count: events))) }

    var handler: StandInServer.Handler { { request in self.receive(request) } }

    private func receive(_ request: StandInRequest) -> StandInReply {
        guard case .array(let events)? = try? JSONReader.parse(request.body) else { return .status(400) }
        let at = request.receivedAt
        var parsed: [(Int, String, String, String?)] = []
        parsed.reserveCapacity(events.count)
        for event in events {
            guard case .string(let id)? = event[path: ["id"]], let sequence = Int(id.dropFirst()) else {
                parsed.append((-1, "", "", nil))
                continue
            }
            var status = "?"
            if case .string(let text)? = event[path: ["_enrichment", "status"]] { status = text }
            var crm = "-"
            if case .string(let text)? = event[path: ["_enrichment", "agents", "crm_lookup", "outcome"]] { crm = text }
            var reason: String?
            if case .string(let text)? = event[path: ["_enrichment", "agents", "crm_lookup", "reason"]] { reason = String(text.prefix(60)) }
            parsed.append((sequence, status, crm, reason))
        }
        state.withLock { state in
            state.requests += 1
            for (sequence, status, crm, reason) in parsed {
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
                state.crmOutcomes[crm, default: 0] += 1
                if let reason { state.crmReasons[reason, default: 0] += 1 }
            }
        }
        return .json("{\"ok\":true}")
    }

    var delivered: Int { state.withLock { $0.delivered } }
    var snapshot: State { state.withLock { $0 } }
}

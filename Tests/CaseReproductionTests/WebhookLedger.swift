import Dispatch
import EventJSON
import StandInServers
import Synchronization

/// The receiving webhook: a stand-in server that records every event POSTed to it with its
/// idempotency key and arrival time, and answers as `answer` says for each request.
///
/// A receiver dedupes by idempotency key; the ledger keeps every arrival so a test can count
/// the duplicates the sink's retries caused and check that they carry the same event.
final class WebhookLedger: Sendable {
    /// How the receiver answers request number `n` (from 0), after recording its events.
    enum Answer: Sendable {
        case accept
        /// Records the events, then answers 500: the receiver got them but the sender does
        /// not know it, so it sends them again (the duplicates a receiver must dedupe).
        case failAfterRecording
    }

    struct Arrival: Sendable {
        var key: String
        var event: JSONValue
        /// Uptime nanoseconds when the request was complete.
        var at: UInt64
        /// Whether the receiver acknowledged it (2xx).
        var acknowledged: Bool
    }

    private struct State {
        var arrivals: [Arrival] = []
        var requests = 0
        var malformed: [String] = []
        var headerMismatches = 0
    }

    private let state = Mutex(State())
    private let answer: @Sendable (Int) -> Answer

    init(answer: @escaping @Sendable (Int) -> Answer = { _ in .accept }) {
        self.answer = answer
    }

    /// The handler for ``StandInServer/start(keepingRequests:handler:)``.
    var handler: StandInServer.Handler {
        { request in self.receive(request) }
    }

    private func receive(_ request: StandInRequest) -> StandInReply {
        let index = state.withLock { state -> Int in
            defer { state.requests += 1 }
            return state.requests
        }
        let decision = answer(index)
        guard request.method == "POST", case .array(let events)? = try? JSONReader.parse(request.body) else {
            state.withLock { $0.malformed.append(request.bodyText) }
            return .status(400)
        }
        let headerKeys = request.header("Idempotency-Key")?.split(separator: ",").map(String.init) ?? []
        let acknowledged = decision == .accept
        var arrivals: [Arrival] = []
        for event in events {
            guard case .string(let key)? = event[path: ["_idempotency_key"]] else {
                state.withLock { $0.malformed.append(event.jsonText) }
                continue
            }
            arrivals.append(Arrival(key: key, event: event, at: request.receivedAt, acknowledged: acknowledged))
        }
        let mismatch = headerKeys != arrivals.map(\.key)
        state.withLock {
            $0.arrivals += arrivals
            if mismatch { $0.headerMismatches += 1 }
        }
        return acknowledged ? .json("{\"ok\":true}") : .status(500)
    }

    var arrivals: [Arrival] { state.withLock { $0.arrivals } }
    var requestCount: Int { state.withLock { $0.requests } }
    /// Bodies or events that were not what the sink promises (a JSON array of keyed events).
    var malformed: [String] { state.withLock { $0.malformed } }
    /// Requests whose `Idempotency-Key` header did not list the body's keys in order.
    var headerMismatches: Int { state.withLock { $0.headerMismatches } }

    /// The first acknowledged arrival of each key: what a deduplicating receiver keeps.
    var deliveredByKey: [String: Arrival] {
        var unique: [String: Arrival] = [:]
        for arrival in arrivals where arrival.acknowledged && unique[arrival.key] == nil { unique[arrival.key] = arrival }
        return unique
    }

    /// Acknowledged events, counted once per key.
    var deliveredCount: Int { deliveredByKey.count }

    /// The first arrival (acknowledged or not) of each key: when the event first reached the receiver.
    var firstArrivalByKey: [String: Arrival] {
        var first: [String: Arrival] = [:]
        for arrival in arrivals where first[arrival.key].map({ arrival.at < $0.at }) ?? true { first[arrival.key] = arrival }
        return first
    }
}

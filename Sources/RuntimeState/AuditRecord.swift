import Foundation

/// What became of an event, as recorded in the audit trail.
public enum AuditStatus: String, Sendable, CaseIterable, Codable {
    case complete
    case partial
    case failed
    case duplicate
    case deadLetter = "dead_letter"
}

/// How one agent ended for one event.
public enum AgentOutcomeKind: String, Sendable, CaseIterable, Codable {
    case ok
    case cached
    case staleCache = "stale_cache"
    case `default`
    case skipped
    case failed
    case timeout
}

/// One agent's outcome for one event: what happened, after how many attempts, how long it took.
/// Deliberately no free text: the audit trail must never hold payloads, credentials or
/// error messages that could quote them.
public struct AgentOutcome: Sendable, Equatable, Codable {
    public var agent: String
    public var outcome: AgentOutcomeKind
    public var attempts: Int
    public var latencyMicros: Int64

    public init(agent: String, outcome: AgentOutcomeKind, attempts: Int, latencyMicros: Int64) {
        self.agent = agent
        self.outcome = outcome
        self.attempts = attempts
        self.latencyMicros = latencyMicros
    }

    enum CodingKeys: String, CodingKey {
        case agent, outcome, attempts
        case latencyMicros = "latency_us"
    }
}

/// One row of the audit trail: one processed event.
///
/// Callers pass outcomes only — event identity, status, per-agent outcome codes, attempt
/// counts and latencies. Never put event payloads, agent inputs or results, headers, tokens
/// or error messages in `eventID` or `agentsJSON`: the audit trail is kept long and read
/// widely, and is not a place for secrets. Building `agentsJSON` from `[AgentOutcome]` (the
/// second initializer) makes that structural.
public struct AuditRecord: Sendable, Equatable {
    public var eventID: String
    /// The event's input line number (1-based), or its position in the stream.
    public var sequence: Int64
    public var status: AuditStatus
    /// Per-agent outcomes as a JSON array of
    /// `{"agent":"crm_lookup","outcome":"ok","attempts":1,"latency_us":1234}`, in plan order.
    public var agentsJSON: String
    /// End-to-end latency of the event, in microseconds.
    public var totalLatencyMicros: Int64
    public var timestamp: Date

    public init(eventID: String, sequence: Int64, status: AuditStatus, agentsJSON: String, totalLatencyMicros: Int64, timestamp: Date) {
        self.eventID = eventID
        self.sequence = sequence
        self.status = status
        self.agentsJSON = agentsJSON
        self.totalLatencyMicros = totalLatencyMicros
        self.timestamp = timestamp
    }

    public init(eventID: String, sequence: Int64, status: AuditStatus, agents: [AgentOutcome], totalLatencyMicros: Int64, timestamp: Date) {
        self.init(
            eventID: eventID, sequence: sequence, status: status,
            agentsJSON: AgentOutcome.json(agents),
            totalLatencyMicros: totalLatencyMicros, timestamp: timestamp
        )
    }

    /// The per-agent outcomes decoded from `agentsJSON`.
    public func agentOutcomes() throws -> [AgentOutcome] {
        try JSONDecoder().decode([AgentOutcome].self, from: Data(agentsJSON.utf8))
    }
}

extension AgentOutcome {
    /// Compact JSON of `outcomes` (hand-written: Foundation's encoder is far too slow for a
    /// row per event).
    public static func json(_ outcomes: [AgentOutcome]) -> String {
        var text = "["
        text.reserveCapacity(outcomes.count * 72 + 2)
        for (index, outcome) in outcomes.enumerated() {
            if index > 0 { text += "," }
            text += "{\"agent\":"
            appendJSONString(outcome.agent, to: &text)
            text += ",\"outcome\":\""
            text += outcome.outcome.rawValue
            text += "\",\"attempts\":"
            text += String(outcome.attempts)
            text += ",\"latency_us\":"
            text += String(outcome.latencyMicros)
            text += "}"
        }
        text += "]"
        return text
    }

    static func appendJSONString(_ string: String, to text: inout String) {
        text += "\""
        var needsEscape = false
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}

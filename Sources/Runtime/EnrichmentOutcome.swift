import EventJSON

/// What happened to one agent for one event, as recorded in `_enrichment` and the audit.
public enum AgentOutcome: String, Sendable, Codable, CaseIterable {
    /// Called and succeeded.
    case ok
    /// A fresh cached result was used instead of calling.
    case cached
    /// Every attempt failed; the last cached value (possibly expired) was used.
    case staleCache = "stale_cache"
    /// Every attempt failed; the `fallback: {default: ...}` values were used.
    case defaulted = "default"
    /// Every attempt failed (or an input was missing) and the agent was skipped.
    case skipped
    /// Its `when` guard did not hold: not applicable to this event.
    case guarded
    /// Every attempt failed with `fallback: fail`: the event failed.
    case failed

    /// The raw value as a literal, for writing without reference counting.
    var staticText: StaticString {
        switch self {
        case .ok: "ok"
        case .cached: "cached"
        case .staleCache: "stale_cache"
        case .defaulted: "default"
        case .skipped: "skipped"
        case .guarded: "guarded"
        case .failed: "failed"
        }
    }

    /// Whether this outcome makes the event's enrichment partial.
    var isDegraded: Bool {
        switch self {
        case .ok, .cached, .guarded: false
        case .staleCache, .defaulted, .skipped, .failed: true
        }
    }
}

/// One agent's record within an event's `_enrichment` metadata.
public struct AgentReport: Sendable, Equatable {
    public var agent: String
    public var outcome: AgentOutcome
    public var attempts: Int
    public var latencyMicroseconds: Int64
    /// Why it fell back, when it did.
    public var reason: String?
    /// The agent's position in the plan (metrics are kept by it).
    var agentIndex: Int

    init(agent: String, agentIndex: Int, outcome: AgentOutcome, attempts: Int, latencyMicroseconds: Int64, reason: String? = nil) {
        self.agent = agent
        self.agentIndex = agentIndex
        self.outcome = outcome
        self.attempts = attempts
        self.latencyMicroseconds = latencyMicroseconds
        self.reason = reason
    }
}

/// Overall status of one event.
public enum EventStatus: String, Sendable, Codable {
    case complete, partial, failed

    /// The raw value as a literal, for writing without reference counting.
    var staticText: StaticString {
        switch self {
        case .complete: "complete"
        case .partial: "partial"
        case .failed: "failed"
        }
    }
}

/// The result of running one event through the plan.
public struct EventResult: Sendable {
    public var status: EventStatus
    public var reports: [AgentReport]
    /// Enriched fields to add, in agent then output order.
    public var fields: [(String, JSONValue)]
    public var latencyMicroseconds: Int64
    /// Why the event failed, when it did.
    public var failure: String?

    /// Writes the `_enrichment` object straight into bytes (no intermediate JSON tree),
    /// and returns the range of its `agents` member (the audit row's outcomes).
    ///
    /// `agentKeys`, by agent index: each agent's `"name":{"outcome":"` made once per run
    /// (``agentKeyBytes(_:)``), so names are not escaped again for every event.
    @discardableResult
    func writeMetadata(into bytes: inout [UInt8], agentKeys: PackedByteStrings) -> Range<Int> {
        bytes.appendStatic("{\"status\":\"")
        bytes.appendStatic(status.staticText)
        bytes.appendStatic("\",\"latency_us\":")
        JSONWriter.writeInt(latencyMicroseconds, into: &bytes)
        bytes.appendStatic(",\"agents\":")
        let agentsStart = bytes.count
        bytes.append(UInt8(ascii: "{"))
        agentKeys.withReader { keys in
            for position in reports.indices {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                keys.append(reports[position].agentIndex, to: &bytes)
                bytes.appendStatic(reports[position].outcome.staticText)
                bytes.appendStatic("\",\"attempts\":")
                JSONWriter.writeInt(Int64(reports[position].attempts), into: &bytes)
                bytes.appendStatic(",\"latency_us\":")
                JSONWriter.writeInt(reports[position].latencyMicroseconds, into: &bytes)
                if let reason = reports[position].reason {
                    bytes.appendStatic(",\"reason\":")
                    JSONWriter.writeString(reason, into: &bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            }
        }
        bytes.append(UInt8(ascii: "}"))
        let agentsEnd = bytes.count
        if let failure {
            bytes.appendStatic(",\"error\":")
            JSONWriter.writeString(failure, into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return agentsStart..<agentsEnd
    }

    /// An agent's `"name":{"outcome":"`, the start of its entry in `agents`.
    static func agentKeyBytes(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.writeString(name, into: &bytes)
        bytes.append(contentsOf: outcomeKey)
        return bytes
    }

    private static let outcomeKey = Array(":{\"outcome\":\"".utf8)
}

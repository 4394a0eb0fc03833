import EventJSON

/// Why a call to an agent did not produce a result.
public struct AgentCallFailure: Error, Sendable, Equatable {
    public var reason: String
    /// Whether trying again may succeed (timeouts, 5xx, resets); not for bad input.
    public var isRetryable: Bool
    /// How long the service asked to be left alone (HTTP `Retry-After`), in microseconds:
    /// the runtime waits at least this long before the next attempt, or gives up when
    /// that would pass the event's deadline.
    public var retryAfterMicroseconds: Int64?

    public init(_ reason: String, retryable: Bool, retryAfterMicroseconds: Int64? = nil) {
        self.reason = reason
        self.isRetryable = retryable
        self.retryAfterMicroseconds = retryAfterMicroseconds
    }
}

/// What one call of an agent receives: its evaluated inputs and, for HTTP agents, the
/// request line already interpolated (values percent-encoded) and headers.
public struct AgentRequest: Sendable {
    public var inputs: JSONObject
    public var url: String?
    public var headers: [(name: String, value: String)]
    /// Which attempt this call is, from 1 (retries count up).
    public var attempt = 1

    public init(inputs: JSONObject, url: String? = nil, headers: [(name: String, value: String)] = []) {
        self.inputs = inputs
        self.url = url
        self.headers = headers
    }
}

/// How the runtime calls an agent: inline on the worker, or awaited.
///
/// In-process agents (lookups, geoip, sentiment, Swift functions) are called inline so
/// an event costs no task switches; agents that wait on I/O are awaited so a worker
/// keeps other events moving meanwhile.
public enum AgentCall: Sendable {
    case inline(@Sendable (AgentRequest) throws(AgentCallFailure) -> JSONValue)
    case awaited(@Sendable (AgentRequest) async throws(AgentCallFailure) -> JSONValue)

    var isInline: Bool {
        if case .inline = self { return true }
        return false
    }
}

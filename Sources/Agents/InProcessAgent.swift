import EventJSON

/// An agent the runtime calls synchronously, inline, on the event hot path.
///
/// Conformers are immutable after they are built (everything is loaded up front), so one
/// instance may be called from any number of threads at once without locks. A call must
/// not block on I/O: agents that do I/O (`http`, `process`, `local_llm`) are not in-process.
///
/// The result is a JSON object; the plan's output paths (`output: {country: country}`)
/// select fields from it. "Nothing found" is **not** a failure: an agent returns an
/// empty object, so the outputs that would have come from it are simply missing and the
/// pipeline's `??` defaults apply.
public protocol InProcessAgent: Sendable {
    /// Computes the result for one event's evaluated `input:` values.
    func call(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue
}

/// Why a call failed, and whether trying again could help.
///
/// The runtime uses ``isRetryable`` to decide between the agent's `retry:` policy and
/// going straight to its `fallback:`. Bad input (an unparsable IP address, a number
/// where text was expected) is never retryable: the same input fails the same way.
public struct AgentFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A one-line, human-readable reason, e.g. "`abc` is not an IPv4 or IPv6 address".
    public var reason: String
    /// True when the same call may succeed later (a transient condition).
    public var isRetryable: Bool

    public init(_ reason: String, isRetryable: Bool) {
        self.reason = reason
        self.isRetryable = isRetryable
    }

    /// A failure caused by the input itself: retrying cannot help.
    public static func invalidInput(_ reason: String) -> AgentFailure {
        AgentFailure(reason, isRetryable: false)
    }

    /// A failure that may go away on its own (worth a retry).
    public static func transient(_ reason: String) -> AgentFailure {
        AgentFailure(reason, isRetryable: true)
    }

    public var description: String { reason }
}

extension JSONValue {
    /// The empty object: what an agent returns when it found nothing (not a failure).
    public static let emptyObject = JSONValue.object(JSONObject())

    /// The JSON type name used in messages: `string`, `int`, `float`, `bool`, `null`, `array`, `object`.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

import EventJSON

/// One line a child wrote on standard output, classified by the `process` protocol.
///
/// `{"ready": true, ...}` once at start; then `{"id": N, "output": VALUE}` or
/// `{"id": N, "error": "why", "retryable": BOOL}` per request.
enum ProcessResponse: Equatable {
    case ready
    case output(id: Int64, JSONValue)
    case error(id: Int64, message: String, retryable: Bool)
    /// A line with a request id that breaks the protocol: that request fails.
    case malformed(id: Int64, reason: String)
    /// A line that cannot be tied to any request: the child can no longer be trusted.
    case notAResponse(reason: String)

    static func parse(_ line: [UInt8]) -> ProcessResponse {
        let value: JSONValue
        do {
            value = try JSONReader.parse(line)
        } catch {
            return .notAResponse(reason: "not JSON: \(error)")
        }
        guard case .object(let object) = value else {
            return .notAResponse(reason: "a JSON \(kind(of: value)), not an object")
        }
        if object["ready"] == .bool(true), object["id"] == nil { return .ready }
        guard case .int(let id)? = object["id"] else {
            return .notAResponse(reason: object["id"] == nil ? "no `id`" : "`id` is not an integer")
        }
        if let output = object["output"] {
            if object["error"] != nil { return .malformed(id: id, reason: "both `output` and `error`") }
            return .output(id: id, output)
        }
        switch object["error"] {
        case .string(let message)?:
            switch object["retryable"] {
            case nil, .null?: return .error(id: id, message: message, retryable: false)
            case .bool(let retryable)?: return .error(id: id, message: message, retryable: retryable)
            default: return .malformed(id: id, reason: "`retryable` is not true or false")
            }
        case nil: return .malformed(id: id, reason: "neither `output` nor `error`")
        default: return .malformed(id: id, reason: "`error` is not a string")
        }
    }

    /// At most `limit` bytes of `line` as text, noting how long it really was.
    static func quote(_ line: [UInt8], limit: Int = 200) -> String {
        if line.count <= limit { return "`\(String(decoding: line, as: UTF8.self))`" }
        return "`\(String(decoding: line.prefix(limit), as: UTF8.self))`… (\(line.count) bytes)"
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

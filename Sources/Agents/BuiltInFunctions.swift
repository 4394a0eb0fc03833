import EventJSON

/// Example functions every ``FunctionRegistry/builtIn`` registry holds, used by the samples
/// and tests. They are deterministic and pure, so retries and caches behave predictably.
///
/// - `crm_segment_from_id` (also registered as `crm_lookup`, the name the seed file's
///   `function` agent resolves to by default): input `user_id` (string or integer); result
///   `{segment, bucket}`, where `bucket` is FNV-1a-64 of the id's text modulo 100 and
///   `segment` is `vip` (bucket 0–4), `loyal` (5–24), `regular` (25–59), `new` (60–84) or
///   `dormant` (85–99). A stand-in for a CRM: the same id always gets the same segment.
///   A missing or null `user_id` fails (not retryable).
/// - `loyalty_points` (samples/ecommerce-orders.yaml): inputs `amount_usd` (number ≥ 0,
///   required) and `customer_id` (optional); result `{points}`: one point per whole dollar.
///   A negative, missing or non-numeric amount fails (not retryable).
public enum BuiltInFunctions {
    public static let all: [(String, AgentFunction)] = [
        ("crm_segment_from_id", crmSegmentFromID),
        ("crm_lookup", crmSegmentFromID),
        ("loyalty_points", loyaltyPoints),
    ]

    public static let segments: [(upperBucket: UInt64, name: String)] = [
        (5, "vip"), (25, "loyal"), (60, "regular"), (85, "new"), (100, "dormant"),
    ]

    @Sendable
    public static func crmSegmentFromID(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        let id: String
        switch inputs["user_id"] {
        case .string(let text)?: id = text
        case .int(let number)?: id = String(number)
        case nil, .null?: throw .invalidInput("crm_segment_from_id needs input `user_id`")
        case let other?: throw .invalidInput("crm_segment_from_id input `user_id` must be a string or an integer, got \(other.typeName)")
        }
        return crmResults[Int(fnv1a64(id) % 100)]
    }

    /// The 100 possible results of crm_segment_from_id, built once (calls allocate nothing).
    static let crmResults: [JSONValue] = (0..<100).map { bucket in
        let segment = segments.first { UInt64(bucket) < $0.upperBucket }!.name
        return .object(JSONObject([("segment", .string(segment)), ("bucket", .int(Int64(bucket)))]))
    }

    @Sendable
    public static func loyaltyPoints(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        let amount: Double
        switch inputs["amount_usd"] {
        case .int(let number)?: amount = Double(number)
        case .double(let number)?: amount = number
        case nil, .null?: throw .invalidInput("loyalty_points needs input `amount_usd`")
        case let other?: throw .invalidInput("loyalty_points input `amount_usd` must be a number, got \(other.typeName)")
        }
        guard amount.isFinite, amount >= 0 else {
            throw .invalidInput("loyalty_points input `amount_usd` must be a number ≥ 0, got \(amount)")
        }
        let points = amount >= 9.2e18 ? Int64.max : Int64(amount.rounded(.down))
        return .object(JSONObject([("points", .int(points))]))
    }

    /// FNV-1a, 64-bit, of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// A JSON document as plan files hold it: integers and floats kept apart, keys unordered.
///
/// Plan files use their own small JSON layer rather than Foundation's so that output is
/// byte-for-byte stable (sorted keys, fixed layout) and so decoding errors can name the
/// line, column and field path exactly.
enum PlanJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case array([PlanJSON])
    case object([String: PlanJSON])

    /// An object without the members whose value is nil, so absent optionals stay absent.
    static func object(_ members: [String: PlanJSON?]) -> PlanJSON {
        .object(members.compactMapValues { $0 })
    }

    /// What a user would call this kind of value, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .float: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

import PipelineSyntax

/// The pure functions expressions may call, with their signatures.
public enum FunctionCatalog {
    /// One parameter's accepted types; `nil` means any type.
    public struct Signature: Sendable {
        public var parameters: [ValueType.Base?]
        /// When true the last parameter repeats (at least `parameters.count` arguments).
        public var variadic: Bool
        public var result: ValueType
        /// Arguments are allowed to be optional (the function handles missing values).
        public var acceptsOptional: Bool
        public var summary: String
    }

    public static let functions: [String: Signature] = [
        "lower": Signature(parameters: [.string], variadic: false, result: .string, acceptsOptional: false, summary: "lower(string) -> string"),
        "upper": Signature(parameters: [.string], variadic: false, result: .string, acceptsOptional: false, summary: "upper(string) -> string"),
        "trim": Signature(parameters: [.string], variadic: false, result: .string, acceptsOptional: false, summary: "trim(string) -> string"),
        "len": Signature(parameters: [nil], variadic: false, result: .int, acceptsOptional: false, summary: "len(string | list) -> int"),
        "concat": Signature(parameters: [nil], variadic: true, result: .string, acceptsOptional: false, summary: "concat(value, ...) -> string"),
        "coalesce": Signature(parameters: [nil], variadic: true, result: .json, acceptsOptional: true, summary: "coalesce(value?, ..., default) -> value"),
        "hash": Signature(parameters: [nil], variadic: true, result: .string, acceptsOptional: false, summary: "hash(value, ...) -> string"),
        "contains": Signature(parameters: [.string, .string], variadic: false, result: .bool, acceptsOptional: false, summary: "contains(string, string) -> bool"),
        "starts_with": Signature(parameters: [.string, .string], variadic: false, result: .bool, acceptsOptional: false, summary: "starts_with(string, string) -> bool"),
        "ends_with": Signature(parameters: [.string, .string], variadic: false, result: .bool, acceptsOptional: false, summary: "ends_with(string, string) -> bool"),
        "to_string": Signature(parameters: [nil], variadic: false, result: .string, acceptsOptional: false, summary: "to_string(value) -> string"),
        "to_int": Signature(parameters: [nil], variadic: false, result: ValueType(.int, optional: true), acceptsOptional: false, summary: "to_int(value) -> int?"),
        "to_float": Signature(parameters: [nil], variadic: false, result: ValueType(.float, optional: true), acceptsOptional: false, summary: "to_float(value) -> float?"),
        "now": Signature(parameters: [], variadic: false, result: .timestamp, acceptsOptional: false, summary: "now() -> timestamp"),
    ]

    public static var names: [String] { functions.keys.sorted() }
}

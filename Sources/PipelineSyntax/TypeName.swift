/// A value type of the language: `string int float bool timestamp duration json`, maybe optional.
public struct ValueType: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The types without optionality; `null` and `list` only arise inside expressions.
    public enum Base: String, Hashable, Sendable, Codable, CaseIterable {
        case string, int, float, bool, timestamp, duration, json, null, list
    }

    public var base: Base
    public var isOptional: Bool

    public init(_ base: Base, optional: Bool = false) {
        self.base = base
        self.isOptional = optional
    }

    public static let string = ValueType(.string)
    public static let int = ValueType(.int)
    public static let float = ValueType(.float)
    public static let bool = ValueType(.bool)
    public static let timestamp = ValueType(.timestamp)
    public static let duration = ValueType(.duration)
    public static let json = ValueType(.json)
    public static let null = ValueType(.null, optional: true)
    public static let list = ValueType(.list)

    /// Names a user may write in `event:` schemas and `output` declarations.
    public static let declarableNames = ["string", "int", "float", "bool", "timestamp", "duration", "json"]

    /// Parses `string`, `int?` and so on; nil for anything else.
    public init?(declared text: String) {
        var name = Substring(text)
        var optional = false
        if name.hasSuffix("?") {
            optional = true
            name = name.dropLast()
        }
        guard Self.declarableNames.contains(String(name)), let base = Base(rawValue: String(name)) else { return nil }
        self.init(base, optional: optional)
    }

    public var optional: ValueType { ValueType(base, optional: true) }
    public var nonOptional: ValueType { ValueType(base, optional: base == .null) }
    public var isNumeric: Bool { base == .int || base == .float }

    public var description: String {
        base == .null ? "null" : base.rawValue + (isOptional ? "?" : "")
    }
}

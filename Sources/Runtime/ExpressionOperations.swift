import EventJSON
import Planner

/// The operators of the expression language for generated pipelines, with exactly the
/// interpreter's semantics (they call the same code as ``ExpressionEvaluator``).
///
/// A value is `JSONValue?`: nil means missing (an absent field, a skipped agent).
/// Missing values propagate through arithmetic and calls, `??` replaces missing and
/// null, comparisons involving a missing value are false.
public enum ExpressionOperations {
    /// `event.a.b`: the value at a path below the event (the whole event for no path).
    @inlinable
    public static func field(_ event: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let object) = event else { return nil }
        return object.member(name)
    }

    /// A deeper path below a value, for `event.a.b` and `agent.output.field`.
    @inlinable
    public static func path(_ value: JSONValue?, _ steps: String...) -> JSONValue? {
        value?[path: steps]
    }

    /// The `type` of an event when it is a string (what specializations switch on).
    @inlinable
    public static func eventType(_ event: JSONValue) -> String? {
        guard case .object(let object) = event, case .string(let type)? = object.member("type") else { return nil }
        return type
    }

    /// `a ?? b`: `a` unless it is missing or null.
    @inlinable
    public static func coalesce(_ value: JSONValue?, _ fallback: @autoclosure () -> JSONValue?) -> JSONValue? {
        if let value, value != .null { return value }
        return fallback()
    }

    /// Whether a guard or condition holds: only `true` does.
    @inlinable
    public static func holds(_ value: JSONValue?) -> Bool { value == .bool(true) }

    /// `!a`: nil unless `a` is a boolean.
    @inlinable
    public static func not(_ value: JSONValue?) -> JSONValue? {
        guard case .bool(let flag)? = value else { return nil }
        return .bool(!flag)
    }

    /// `-a`.
    public static func negate(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .int(let number)?: .int(0 &- number)
        case .double(let number)?: .double(-number)
        default: nil
        }
    }

    /// `a == b` with numbers compared by value; missing equals null.
    public static func equal(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        ExpressionEvaluator.equal(lhs ?? .null, rhs ?? .null)
    }

    /// `a == null`: missing or null.
    @inlinable
    public static func isNull(_ value: JSONValue?) -> Bool { value == nil || value == .null }

    /// `a < b` and the other orderings; false when either side is missing or they do not compare.
    public static func compare(_ op: PlanBinaryOperator, _ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        guard let lhs, let rhs, let order = ExpressionEvaluator.compare(lhs, rhs) else { return false }
        switch op {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// `+ - * / %`; nil when a side is missing, on division by zero, or for mismatched types.
    public static func arithmetic(_ op: PlanBinaryOperator, _ lhs: JSONValue?, _ rhs: JSONValue?) -> JSONValue? {
        guard let lhs, let rhs else { return nil }
        return ExpressionEvaluator.arithmetic(op, lhs, rhs)
    }

    /// `a in [...]` over a list of string literals.
    @inlinable
    public static func isOneOf(_ value: JSONValue?, _ strings: Set<String>) -> Bool {
        guard case .string(let text)? = value else { return false }
        return strings.contains(text)
    }

    /// `a in b` for any list; false when `a` is missing or `b` is not a list.
    public static func isMember(_ value: JSONValue?, of list: JSONValue?) -> Bool {
        guard let value, case .array(let items)? = list else { return false }
        return items.contains { ExpressionEvaluator.equal(value, $0) }
    }

    /// A built-in function (`lower`, `concat`, `hash`...).
    public static func call(_ name: String, _ arguments: JSONValue?...) -> JSONValue? {
        BuiltinFunctions.call(name, arguments)
    }

    /// Text of a value as interpolation shows it; missing and null are empty.
    public static func text(_ value: JSONValue?) -> String { BuiltinFunctions.text(of: value) }

    /// Text of a value for a URL: percent-encoded, so it cannot add path segments or parameters.
    public static func urlText(_ value: JSONValue?) -> String { RuntimeAgent.percentEncoded(BuiltinFunctions.text(of: value)) }

    /// The dedup key as text, or nil when it is missing or null.
    public static func key(_ value: JSONValue?) -> String? {
        guard let value, value != .null else { return nil }
        return BuiltinFunctions.text(of: value)
    }
}

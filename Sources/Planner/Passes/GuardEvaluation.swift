/// Partial evaluation of a guard once the event's `type` is known, with three-valued logic.
///
/// Comparisons of `event.type` with string literals (`==`, `!=`, `in`, `not in` over
/// literal lists) become true or false; `!`, `&&` and `||` combine them, keeping what is
/// still unknown as a residual expression. Everything else stays residual.
public enum GuardEvaluation: Hashable, Sendable {
    /// The agent runs for every event of this type.
    case alwaysTrue
    /// The agent never runs for events of this type.
    case alwaysFalse
    /// Decided only per event: the simplified guard that is left.
    case residual(PlanExpression)

    /// The path the specializer knows.
    static let typePath = ["type"]

    /// `guard` evaluated for events whose `type` is `eventType`.
    ///
    /// `eventType` nil stands for every type not in `knownTypes`, the string literals
    /// compared with `event.type` anywhere in the plan: for those, every such
    /// comparison is an inequality.
    public static func evaluate(_ guard: PlanExpression, eventType: String?, knownTypes: Set<String>) -> GuardEvaluation {
        switch `guard` {
        case .literal(.bool(let value)):
            return value ? .alwaysTrue : .alwaysFalse
        case .binary(.equal, let lhs, let rhs), .binary(.notEqual, let lhs, let rhs):
            guard let compared = comparedTypeLiteral(lhs, rhs) else { return .residual(`guard`) }
            let isEqual = matches(compared, eventType: eventType, knownTypes: knownTypes)
            guard let isEqual else { return .residual(`guard`) }
            if case .binary(.equal, _, _) = `guard` { return isEqual ? .alwaysTrue : .alwaysFalse }
            return isEqual ? .alwaysFalse : .alwaysTrue
        case .membership(let negated, .event(typePath), .list(let items)):
            var containsType = false
            for item in items {
                guard case .string(let value)? = item.literalValue,
                    let isEqual = matches(value, eventType: eventType, knownTypes: knownTypes)
                else { return .residual(`guard`) }
                if isEqual { containsType = true }
            }
            return containsType != negated ? .alwaysTrue : .alwaysFalse
        case .not(let operand):
            switch evaluate(operand, eventType: eventType, knownTypes: knownTypes) {
            case .alwaysTrue: return .alwaysFalse
            case .alwaysFalse: return .alwaysTrue
            case .residual(let rest): return .residual(.not(rest))
            }
        case .binary(let op, let lhs, let rhs) where op == .and || op == .or:
            let left = evaluate(lhs, eventType: eventType, knownTypes: knownTypes)
            let right = evaluate(rhs, eventType: eventType, knownTypes: knownTypes)
            // The value that settles the operator alone: false for &&, true for ||.
            let decisive: GuardEvaluation = op == .and ? .alwaysFalse : .alwaysTrue
            let neutral: GuardEvaluation = op == .and ? .alwaysTrue : .alwaysFalse
            if left == decisive || right == decisive { return decisive }
            if left == neutral { return right }
            if right == neutral { return left }
            guard case .residual(let restLeft) = left, case .residual(let restRight) = right else { return neutral }
            return .residual(.binary(op, restLeft, restRight))
        default:
            return .residual(`guard`)
        }
    }

    /// The string literals compared with `event.type` in `guard`.
    public static func comparedTypes(in guard: PlanExpression) -> Set<String> {
        var types: Set<String> = []
        `guard`.visit { node in
            switch node {
            case .binary(.equal, let lhs, let rhs), .binary(.notEqual, let lhs, let rhs):
                if let value = comparedTypeLiteral(lhs, rhs) { types.insert(value) }
            case .membership(_, .event(typePath), .list(let items)):
                for case .literal(.string(let value)) in items { types.insert(value) }
            default:
                break
            }
        }
        return types
    }

    /// The literal in `event.type == "x"` or `"x" == event.type`.
    private static func comparedTypeLiteral(_ lhs: PlanExpression, _ rhs: PlanExpression) -> String? {
        switch (lhs, rhs) {
        case (.event(typePath), .literal(.string(let value))), (.literal(.string(let value)), .event(typePath)): value
        default: nil
        }
    }

    /// Whether an event of `eventType` has type `value`; nil if that cannot be known.
    private static func matches(_ value: String, eventType: String?, knownTypes: Set<String>) -> Bool? {
        if let eventType { return value == eventType }
        // "Any other type" is none of the known ones; other literals could still match.
        return knownTypes.contains(value) ? false : nil
    }
}

import EventJSON
import Planner

/// What an expression can read while one agent of one event is evaluated.
protocol EvaluationScope {
    func event(_ path: [String]) -> JSONValue?
    func eventField(_ name: String) -> JSONValue?
    func input(_ path: [String]) -> JSONValue?
    func agentOutput(slot: Int, rest: [String]) -> JSONValue?
}

/// Evaluates resolved plan expressions; `nil` means "missing" (an absent field or a skipped agent).
///
/// Missing values propagate through arithmetic and calls, `??` replaces them, a
/// comparison involving one is false (so a guard on a missing value does not run the
/// agent), and `x == null` is true for a missing `x`.
enum ExpressionEvaluator {
    static func evaluate(_ expression: ResolvedExpression, in scope: some EvaluationScope) -> JSONValue? {
        switch expression {
        case .constant(let value): return value
        case .missing: return nil
        case .eventField(let name): return scope.eventField(name)
        case .event(let path): return scope.event(path)
        case .input(let path): return scope.input(path)
        case .agentOutput(let slot, let rest): return scope.agentOutput(slot: slot, rest: rest)
        case .list(let items): return .array(items.map { evaluate($0, in: scope) ?? .null })
        case .not(let operand):
            guard case .bool(let flag)? = evaluate(operand, in: scope) else { return nil }
            return .bool(!flag)
        case .negate(let operand):
            switch evaluate(operand, in: scope) {
            case .int(let number)?: return .int(0 &- number)
            case .double(let number)?: return .double(-number)
            default: return nil
            }
        case .binary(let op, let lhs, let rhs):
            return binary(op, lhs, rhs, in: scope)
        case .membership(let negated, let lhs, let rhs):
            guard let needle = evaluate(lhs, in: scope), case .array(let items)? = evaluate(rhs, in: scope) else {
                return .bool(negated)
            }
            let found = items.contains { equal(needle, $0) }
            return .bool(negated ? !found : found)
        case .call(let name, let arguments):
            return BuiltinFunctions.call(name, arguments.map { evaluate($0, in: scope) })
        case .interpolation(let segments):
            var text = ""
            for segment in segments {
                switch segment {
                case .text(let literal): text += literal
                case .expression(let inner): text += BuiltinFunctions.text(of: evaluate(inner, in: scope))
                }
            }
            return .string(text)
        }
    }

    /// A guard holds only when it evaluates to `true`.
    static func holds(_ expression: ResolvedExpression, in scope: some EvaluationScope) -> Bool {
        evaluate(expression, in: scope) == .bool(true)
    }

    static func value(of literal: PlanLiteral) -> JSONValue {
        switch literal {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .float(let number): .double(number)
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .durationMicroseconds(let micros): .int(micros)
        }
    }

    private static func binary(_ op: PlanBinaryOperator, _ lhs: ResolvedExpression, _ rhs: ResolvedExpression, in scope: some EvaluationScope) -> JSONValue? {
        switch op {
        case .coalesce:
            if let left = evaluate(lhs, in: scope), left != .null { return left }
            return evaluate(rhs, in: scope)
        case .or:
            if holds(lhs, in: scope) { return .bool(true) }
            return .bool(holds(rhs, in: scope))
        case .and:
            guard holds(lhs, in: scope) else { return .bool(false) }
            return .bool(holds(rhs, in: scope))
        case .equal:
            return .bool(equal(evaluate(lhs, in: scope) ?? .null, evaluate(rhs, in: scope) ?? .null))
        case .notEqual:
            return .bool(!equal(evaluate(lhs, in: scope) ?? .null, evaluate(rhs, in: scope) ?? .null))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let left = evaluate(lhs, in: scope), let right = evaluate(rhs, in: scope),
                let order = compare(left, right)
            else { return .bool(false) }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add, .subtract, .multiply, .divide, .remainder:
            guard let left = evaluate(lhs, in: scope), let right = evaluate(rhs, in: scope) else { return nil }
            return arithmetic(op, left, right)
        }
    }

    /// Equality with numbers compared by value (`1 == 1.0`).
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        default: return lhs == rhs
        }
    }

    /// -1, 0 or 1 for comparable values (numbers, strings); nil otherwise.
    static func compare(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = number(lhs), let b = number(rhs) else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    static func arithmetic(_ op: PlanBinaryOperator, _ lhs: JSONValue, _ rhs: JSONValue) -> JSONValue? {
        if case .int(let a) = lhs, case .int(let b) = rhs {
            switch op {
            case .add: return .int(a &+ b)
            case .subtract: return .int(a &- b)
            case .multiply: return .int(a &* b)
            case .divide: return b == 0 ? nil : .int(a / b)
            case .remainder: return b == 0 ? nil : .int(a % b)
            default: return nil
            }
        }
        if op == .add, case .string(let a) = lhs, case .string(let b) = rhs { return .string(a + b) }
        guard let a = number(lhs), let b = number(rhs) else { return nil }
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide: return b == 0 ? nil : .double(a / b)
        case .remainder: return b == 0 ? nil : .double(a.truncatingRemainder(dividingBy: b))
        default: return nil
        }
    }
}

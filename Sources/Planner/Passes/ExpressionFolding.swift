/// Evaluates the parts of an expression that depend on literals only.
///
/// Folding is conservative: it only does what the runtime is certain to do too. Integer
/// `+ - *` (not on overflow), float arithmetic with finite results, string `+`,
/// comparisons of numbers, durations, booleans, null and string equality, `!`, unary
/// minus, `in` over literal lists, `??` with a literal on the left, `&&`/`||` with a
/// literal operand, literal pieces of interpolated strings, and the pure functions
/// `lower upper trim concat len` on literal arguments.
public enum ExpressionFolding {
    /// `expression` with every literal-only subexpression replaced by its value.
    public static func fold(_ expression: PlanExpression) -> PlanExpression {
        expression.rewritten(foldNode)
    }

    /// Folds one node whose children are already folded.
    private static func foldNode(_ node: PlanExpression) -> PlanExpression {
        switch node {
        case .not(let operand):
            if case .bool(let value)? = operand.literalValue { return .literal(.bool(!value)) }
            return node
        case .negate(let operand):
            switch operand.literalValue {
            case .int(let value)? where value != .min: return .literal(.int(-value))
            case .float(let value)?: return .literal(.float(-value))
            default: return node
            }
        case .binary(let op, let lhs, let rhs):
            return foldBinary(op, lhs, rhs) ?? node
        case .membership(let negated, let lhs, let rhs):
            guard let value = lhs.literalValue, case .list(let items) = rhs else { return node }
            let literals = items.compactMap(\.literalValue)
            guard literals.count == items.count else { return node }
            var found = false
            for item in literals {
                guard let same = equal(value, item) else { return node }
                if same { found = true }
            }
            return .literal(.bool(found != negated))
        case .call(let name, let arguments):
            return foldCall(name, arguments) ?? node
        case .interpolation(let segments):
            return foldInterpolation(segments)
        case .literal, .event, .env, .input, .agent, .list:
            return node
        }
    }

    private static func foldBinary(_ op: PlanBinaryOperator, _ lhs: PlanExpression, _ rhs: PlanExpression) -> PlanExpression? {
        let left = lhs.literalValue
        let right = rhs.literalValue
        switch op {
        case .coalesce:
            guard let left else { return nil }
            return left == .null ? rhs : lhs
        case .and, .or:
            let isAnd = op == .and
            // The operand that decides the result on its own: false for &&, true for ||.
            if case .bool(let value)? = left { return value == isAnd ? rhs : .literal(.bool(value)) }
            if case .bool(let value)? = right { return value == isAnd ? lhs : .literal(.bool(value)) }
            return nil
        default:
            guard let left, let right else { return nil }
            return evaluate(op, left, right).map(PlanExpression.literal)
        }
    }

    /// The value of `left op right` for literal operands, when the runtime's answer is certain.
    static func evaluate(_ op: PlanBinaryOperator, _ left: PlanLiteral, _ right: PlanLiteral) -> PlanLiteral? {
        switch op {
        case .equal: return equal(left, right).map(PlanLiteral.bool)
        case .notEqual: return equal(left, right).map { .bool(!$0) }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = compare(left, right) else { return nil }
            let result: Bool =
                switch op {
                case .less: order < 0
                case .lessOrEqual: order <= 0
                case .greater: order > 0
                default: order >= 0
                }
            return .bool(result)
        case .add, .subtract, .multiply, .divide, .remainder:
            return arithmetic(op, left, right)
        case .coalesce, .and, .or:
            return nil
        }
    }

    /// Whether two literals are equal; nil when the types are not comparable.
    static func equal(_ left: PlanLiteral, _ right: PlanLiteral) -> Bool? {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.durationMicroseconds(let a), .durationMicroseconds(let b)): return a == b
        default:
            guard let a = number(left), let b = number(right) else { return nil }
            return a == b
        }
    }

    /// -1, 0 or 1 for numbers and durations; nil otherwise.
    private static func compare(_ left: PlanLiteral, _ right: PlanLiteral) -> Int? {
        if case .int(let a) = left, case .int(let b) = right { return a < b ? -1 : a == b ? 0 : 1 }
        if case .durationMicroseconds(let a) = left, case .durationMicroseconds(let b) = right { return a < b ? -1 : a == b ? 0 : 1 }
        guard let a = number(left), let b = number(right) else { return nil }
        return a < b ? -1 : a == b ? 0 : 1
    }

    private static func number(_ literal: PlanLiteral) -> Double? {
        switch literal {
        case .int(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }

    private static func arithmetic(_ op: PlanBinaryOperator, _ left: PlanLiteral, _ right: PlanLiteral) -> PlanLiteral? {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let result: (Int64, Bool)
            switch op {
            case .add: result = a.addingReportingOverflow(b)
            case .subtract: result = a.subtractingReportingOverflow(b)
            case .multiply: result = a.multipliedReportingOverflow(by: b)
            // Integer division and remainder are left to the runtime's definition.
            default: return nil
            }
            return result.1 ? nil : .int(result.0)
        case (.float, _), (_, .float):
            guard let a = number(left), let b = number(right) else { return nil }
            let value: Double
            switch op {
            case .add: value = a + b
            case .subtract: value = a - b
            case .multiply: value = a * b
            case .divide: value = a / b
            default: return nil
            }
            return value.isFinite ? .float(value) : nil
        case (.string(let a), .string(let b)) where op == .add:
            return .string(a + b)
        case (.durationMicroseconds(let a), .durationMicroseconds(let b)) where op == .add || op == .subtract:
            let (value, overflow) = op == .add ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b)
            return overflow || value < 0 ? nil : .durationMicroseconds(value)
        default:
            return nil
        }
    }

    private static func foldCall(_ name: String, _ arguments: [PlanExpression]) -> PlanExpression? {
        let strings = arguments.compactMap { argument -> String? in
            if case .string(let text)? = argument.literalValue { return text }
            return nil
        }
        switch name {
        case "lower", "upper", "trim":
            guard arguments.count == 1, strings.count == 1 else { return nil }
            let text = strings[0]
            let value =
                switch name {
                case "lower": text.lowercased()
                case "upper": text.uppercased()
                default: text.trimmingWhitespace
                }
            return .literal(.string(value))
        case "concat":
            guard strings.count == arguments.count else { return nil }
            return .literal(.string(strings.joined()))
        case "len":
            guard arguments.count == 1 else { return nil }
            if strings.count == 1 { return .literal(.int(Int64(strings[0].count))) }
            if case .list(let items) = arguments[0], items.allSatisfy({ $0.literalValue != nil }) {
                return .literal(.int(Int64(items.count)))
            }
            return nil
        default:
            return nil
        }
    }

    private static func foldInterpolation(_ segments: [PlanSegment]) -> PlanExpression {
        var result: [PlanSegment] = []
        for segment in segments {
            var piece = segment
            if case .expression(let inner) = segment, let text = inner.literalValue.flatMap(templateText) {
                piece = .text(text)
            }
            if case .text(let text) = piece, case .text(let previous)? = result.last {
                result[result.count - 1] = .text(previous + text)
            } else {
                result.append(piece)
            }
        }
        if result.isEmpty { return .literal(.string("")) }
        if result.count == 1, case .text(let text) = result[0] { return .literal(.string(text)) }
        return .interpolation(result)
    }

    /// How a literal reads inside an interpolated string, where that is unambiguous.
    private static func templateText(_ literal: PlanLiteral) -> String? {
        switch literal {
        case .string(let text): text
        case .int(let value): String(value)
        case .bool(let value): String(value)
        case .float, .null, .durationMicroseconds: nil
        }
    }
}

extension String {
    /// The text without leading and trailing white space (spaces, tabs, line breaks).
    fileprivate var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
